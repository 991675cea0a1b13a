module github.com/simfuzz/simfuzz/examples/quickstart

go 1.26

replace github.com/simfuzz/simfuzz => ../..

require github.com/simfuzz/simfuzz v0.0.0-00010101000000-000000000000

require (
	github.com/anishathalye/porcupine v1.3.1 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)
