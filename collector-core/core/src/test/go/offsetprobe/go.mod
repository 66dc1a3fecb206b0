module goroscope.dev/offsetprobe

go 1.19
