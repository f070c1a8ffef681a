package main
import rego.v1

allowed contains "registry.example.com/app"
deny contains sprintf("image %v not allowed", [img]) if {
  not allowed[img]
  img = input.image
}
