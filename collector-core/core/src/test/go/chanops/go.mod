module example.com/chanops

go 1.19
