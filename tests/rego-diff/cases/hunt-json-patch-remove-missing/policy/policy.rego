package main

deny contains "patched object has b" if json.patch(input.o, [{"op": "remove", "path": "/c"}]).b
