module github.com/simfuzz/simfuzz/examples/quickstart

go 1.26.0

replace github.com/simfuzz/simfuzz => ../..

require (
	github.com/simfuzz/simfuzz v0.0.0-00010101000000-000000000000
	pgregory.net/rapid v1.3.0
)

require (
	github.com/anishathalye/porcupine v1.3.1 // indirect
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/tools v0.52.0 // indirect
)
