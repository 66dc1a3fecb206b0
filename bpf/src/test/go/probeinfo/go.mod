module goroscope.dev/test/probeinfo

go 1.19
