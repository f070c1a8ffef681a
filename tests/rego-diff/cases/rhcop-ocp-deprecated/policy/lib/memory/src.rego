package lib.memory

kb := 1024

mb := kb * 1024

gb := mb * 1024
