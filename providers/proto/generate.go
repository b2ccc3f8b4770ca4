// Package proto is the generated gRPC protocol between a host and a provider
// plugin (provider.proto). Plugin authors do not use it directly: the
// providers package adapts it to [github.com/intimeos/integrations/providers.Provider].
//
// Regenerate with go generate; protoc-gen-go and protoc-gen-go-grpc are
// pinned as tools in go.mod, and protoc itself must be on PATH.
package proto

//go:generate sh -c "protoc --plugin=protoc-gen-go=$(go tool -n protoc-gen-go) --plugin=protoc-gen-go-grpc=$(go tool -n protoc-gen-go-grpc) --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative provider.proto"
