package main
import rego.v1

deny_n contains "gt" if not input.missing > 0
deny_n contains "lt" if not input.missing < 0
deny_n contains "ge" if not input.missing >= 0
deny_n contains "le" if not 0 <= input.missing
deny_n contains "ne" if not input.missing != 1
deny_n contains "ne_r" if not 1 != input.missing
deny_n contains "eq" if not input.missing == 1
deny_n contains "eq_r" if not 1 == input.missing
deny_n contains "unify" if not input.missing = 1
deny_n contains "bare" if not input.missing
deny_n contains "plus_eq" if not input.missing + 1 == 2
deny_n contains "arr_eq" if not [input.missing] == [1]
deny_n contains "arr_ne" if not [input.missing] != [1]
deny_n contains "arr_bare" if not [input.missing]
deny_n contains "set_eq" if not {input.missing} == {1}
deny_n contains "obj_key" if not {input.missing: 1} == {}
deny_n contains "in_l" if not input.missing in {1}
deny_n contains "in_r" if not 1 in input.missing
deny_n contains "in_kv" if not "a", 1 in input.missing
deny_n contains "in_ok" if not 2 in {1}
deny_n contains "call_arr" if not startswith([input.missing][0], "a")
deny_n contains "nested_arr_in_call" if not count([[input.missing]]) == 1
deny_n contains "and" if not input.missing & {1}
deny_n contains "minus" if not input.missing - 1
deny_n contains "gt_defined" if not input.x > 5
deny_n contains "arr_defined" if not [input.x] == [2]
