package main

deny contains "version valid: must be > 2" if { semver.is_valid(input.v); semver.compare(input.v, "2.0.0") < 0 }
