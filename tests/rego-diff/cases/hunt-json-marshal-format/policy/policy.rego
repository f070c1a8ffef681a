package main

deny contains "canonical" if json.marshal(input.o) == "{\"a\":1.0,\"h\":\"\\u003cb\\u003e\"}"
