package secret_test

import (
	"errors"
	"fmt"

	"github.com/intimeos/integrations/secret"
)

func Example() {
	// In a host: secret.KeyringFromEnv("INTIME_SECRET_KEYS").
	ring, err := secret.ParseKeyring("k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	if err != nil {
		panic(err)
	}
	sealed, err := ring.Seal([]byte("sk_live_51HxYzAbCdEf"))
	if err != nil {
		panic(err)
	}
	plaintext, err := ring.Open(sealed)
	if err != nil {
		panic(err)
	}
	fmt.Println(secret.IsSealed(sealed), string(plaintext), secret.Mask(string(plaintext)))
	// Output: true sk_live_51HxYzAbCdEf ••••••••CdEf
}

func ExampleMask() {
	fmt.Printf("%q\n", secret.Mask(""))
	fmt.Println(secret.Mask("short"))
	fmt.Println(secret.Mask("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	// Output:
	// ""
	// ••••••••
	// ••••••••LaSw
}

func ExampleKeyring_Reseal() {
	k1, _ := secret.GenerateKey("k1")
	k2, _ := secret.GenerateKey("k2")
	before, _ := secret.NewKeyring(k1)
	stored, _ := before.Seal([]byte("token"))

	// Rotate: append the new key; it becomes the primary.
	after, _ := secret.NewKeyring(k1, k2)
	fmt.Println(after.PrimaryID(), after.IsCurrent(stored))

	stored, changed, err := after.Reseal(stored)
	id, _ := after.KeyID(stored)
	fmt.Println(changed, err, id, after.IsCurrent(stored))

	_, changed, _ = after.Reseal(stored)
	fmt.Println(changed)
	// Output:
	// k2 false
	// true <nil> k2 true
	// false
}

func ExampleKeyring_Open() {
	k1, _ := secret.GenerateKey("k1")
	k2, _ := secret.GenerateKey("k2")
	ring1, _ := secret.NewKeyring(k1)
	ring2, _ := secret.NewKeyring(k2)
	sealed, _ := ring1.Seal([]byte("token"))

	_, err := ring2.Open(sealed)
	var unknown *secret.UnknownKeyError
	fmt.Println(errors.As(err, &unknown), unknown.ID)

	_, err = ring1.Open("not sealed")
	fmt.Println(errors.Is(err, secret.ErrMalformed))
	// Output:
	// true k1
	// true
}

func ExampleParseKey() {
	_, err := secret.ParseKey("k1", "AAECAwQFBgcICQoLDA0ODw==")
	fmt.Println(err)
	// Output: secret: key "k1" is 16 bytes; want 32 bytes of hex or base64 (generate one with: openssl rand -base64 32)
}
