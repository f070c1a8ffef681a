# regal ignore:directory-package-mismatch
package parameters

# history/contains_layer
expected_layer_ids := ["cd343f0d83042932fa992e095cd4a93a89a3520873f99b0e15fde69eb46e7e10"]

# images/image_size_not_greater_than
image_size_upperbound := 512
