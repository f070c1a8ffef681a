package main

deny contains "object sorts before set" if {} < set()
ok if true
