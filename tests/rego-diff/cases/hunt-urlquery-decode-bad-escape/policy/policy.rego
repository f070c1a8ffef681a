package main

deny contains "has admin" if contains(urlquery.decode(input.q), "admin")
