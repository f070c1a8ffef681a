package lib.containers
bad = false
