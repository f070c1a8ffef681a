package main

deny contains "contains whitespace" if regex.match(`\s`, input.v)
ok if true
