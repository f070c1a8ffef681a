package main

deny contains "port must be digits" if not regex.match(`^\d+$`, input.port)
