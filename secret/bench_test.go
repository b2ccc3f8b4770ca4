package secret_test

import (
	"crypto/rand"
	"testing"
)

func BenchmarkSeal1KiB(b *testing.B) {
	ring := setup(b).ring
	plaintext := make([]byte, 1024)
	_, _ = rand.Read(plaintext)
	b.SetBytes(int64(len(plaintext)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ring.Seal(plaintext); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen1KiB(b *testing.B) {
	ring := setup(b).ring
	plaintext := make([]byte, 1024)
	_, _ = rand.Read(plaintext)
	sealed, err := ring.Seal(plaintext)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(plaintext)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ring.Open(sealed); err != nil {
			b.Fatal(err)
		}
	}
}
