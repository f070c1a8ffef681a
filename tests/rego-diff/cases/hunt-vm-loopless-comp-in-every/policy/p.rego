package main
import rego.v1

all_nonroot if every c in input.containers {
	count([1 | c.root == true]) == 0
}
deny contains "containers must not run as root" if not all_nonroot
