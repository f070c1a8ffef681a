package main

deny contains "enabled" if yaml.unmarshal(input.y).a == true
