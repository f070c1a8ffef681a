package main

deny contains "same" if { [1, 2] == {1, 2} }
ok if true
