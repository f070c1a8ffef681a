package main
import rego.v1

deny_n contains "n1" if not [input.missing] == [1]
deny_n contains "n2" if not {"a": input.missing} == {}
deny_n contains "n3" if not input.missing + 1 > 0
deny_n contains "n4" if not (input.missing * 2) == 3
deny_n contains "n5" if not input.arr[count(input.missing)]
deny_n contains "n6" if not startswith(lower(input.missing), "a")
deny_n contains "n7" if not input.missing == 1
deny_n contains "n8" if not input.o[input.missing].b
deny_n contains "n9" if not count([input.missing]) == 1
deny_n contains "n10" if not input.missing in {1}
deny_n contains "n11" if not 1 in input.missing
deny_n contains "n12" if not {input.missing} == {1}
deny_n contains "n13" if not input.arr[input.i + 5]
deny_n contains "n14" if not input.missing.a == input.x
deny_n contains "n15" if not object.get(input, "missing", null) == 1
deny_n contains "n16" if not [x | x := input.missing] == []
deny_n contains "n17" if not input.missing != 1
deny_n contains "n19" if not input.arr[input.i]
deny_n contains "n20" if not abs(input.missing) > 0
