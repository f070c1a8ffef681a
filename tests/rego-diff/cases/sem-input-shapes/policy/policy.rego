package main

import rego.v1

deny contains sprintf("type %s", [type_name(input)])

warn contains "input is a list" if is_array(input)

warn contains "count 0" if count(input) == 0
