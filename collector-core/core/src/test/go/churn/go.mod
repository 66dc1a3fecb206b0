module goroscope.dev/churn

go 1.19
