module example.com/stateprog

go 1.19
