package main

deny contains "name too short" if count(input.name) < 4
