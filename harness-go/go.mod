module github.com/parity-dev/parity/harness-go

go 1.22
