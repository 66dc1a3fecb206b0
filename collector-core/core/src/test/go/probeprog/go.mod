module example.com/probeprog

go 1.19
