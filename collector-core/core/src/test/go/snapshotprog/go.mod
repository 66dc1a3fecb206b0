module goroscope.dev/snapshotprog

go 1.19
