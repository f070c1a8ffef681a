package main
import rego.v1

bad contains "evil"
deny contains "x" if {
  every p in input.pods {
    every c in p.cs { not bad[c] }
  }
}
