package main

deny contains "ids differ" if input.a != input.b
