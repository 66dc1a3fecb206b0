module example.com/manyprog

go 1.19
