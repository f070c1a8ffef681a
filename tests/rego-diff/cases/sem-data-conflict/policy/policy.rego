package main

import rego.v1

deny contains sprintf("limit is %v", [data.settings.limit])
