module goroscope.dev/spawntree

go 1.19
