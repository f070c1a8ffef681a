package main

import rego.v1

deny_foo contains "deny_foo" if true

deny_foo_bar contains "deny_foo_bar" if true

deny_Foo9 contains "deny_Foo9" if true

denyfoo contains "denyfoo is not a deny rule" if true

deny__double contains "deny__double does not match" if true

deny_ contains "deny_ does not match" if true

warn_x1 contains "warn_x1" if true

warning contains "warning is not a warn rule" if true

violation_ok contains {"msg": "violation_ok"} if true

violations contains {"msg": "violations is not a violation rule"} if true

test_deny contains "test_deny is not a deny rule" if true

Deny contains "Deny (capital) does not match" if true

deny.ref.head contains "ref heads have no Head.Name" if true
