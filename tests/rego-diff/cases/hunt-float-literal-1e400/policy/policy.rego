package main

deny contains "huge" if input.n < 1e400
