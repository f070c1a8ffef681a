package main

deny contains "never" if { every x in input.l { false } }
ok if true
