package main

deny contains "total is 0.3" if input.a + input.b == 0.3
