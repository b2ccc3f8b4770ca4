package adp_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"sync"
	"time"
)

// testPKI is a test CA standing in for ADP's, with the server's
// certificate, the client certificate it issued, an expired one, and a
// rogue CA's client certificate that ADP would refuse.
type testPKI struct {
	caPEM                    string
	caPool                   *x509.CertPool
	server                   tls.Certificate
	clientCert, clientKey    string
	expiredCert, expiredKey  string
	rogueCert, rogueKey      string
	rogueCAPEM               string
	roguePool                *x509.CertPool
	rogueServer              tls.Certificate
	notBefore, notAfter, now time.Time
}

// pki is generated once per test binary: key generation is the slow part.
var pki = sync.OnceValue(newTestPKI)

type issuer struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

var serial int64

func newKey() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

func issue(tmpl *x509.Certificate, parent *issuer, key *ecdsa.PrivateKey) (*x509.Certificate, string, string) {
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	pcert, pkey := tmpl, key
	if parent != nil {
		pcert, pkey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, pcert, &key.PublicKey, pkey)
	if err != nil {
		panic(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		panic(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err)
	}
	return cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}))
}

func newCA(name string, from, to time.Time) *issuer {
	k := newKey()
	c, p, _ := issue(&x509.Certificate{Subject: pkix.Name{CommonName: name}, NotBefore: from, NotAfter: to,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}, nil, k)
	return &issuer{cert: c, key: k, pem: p}
}

func leaf(ca *issuer, name string, usage x509.ExtKeyUsage, from, to time.Time) (string, string) {
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: name}, NotBefore: from, NotAfter: to,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	_, c, k := issue(tmpl, ca, newKey())
	return c, k
}

func newTestPKI() *testPKI {
	now := time.Now()
	from, to := now.Add(-time.Hour), now.Add(24*time.Hour)
	ca, rogue := newCA("ADP Test CA", from, to), newCA("Rogue CA", from, to)
	p := &testPKI{caPEM: ca.pem, rogueCAPEM: rogue.pem, notBefore: from, notAfter: to, now: now}
	p.caPool, p.roguePool = x509.NewCertPool(), x509.NewCertPool()
	p.caPool.AddCert(ca.cert)
	p.roguePool.AddCert(rogue.cert)
	p.clientCert, p.clientKey = leaf(ca, "intime-client", x509.ExtKeyUsageClientAuth, from, to)
	p.expiredCert, p.expiredKey = leaf(ca, "intime-client", x509.ExtKeyUsageClientAuth, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	p.rogueCert, p.rogueKey = leaf(rogue, "intime-client", x509.ExtKeyUsageClientAuth, from, to)
	p.server = keyPair(leaf(ca, "127.0.0.1", x509.ExtKeyUsageServerAuth, from, to))
	p.rogueServer = keyPair(leaf(rogue, "127.0.0.1", x509.ExtKeyUsageServerAuth, from, to))
	return p
}

func keyPair(cert, key string) tls.Certificate {
	c, err := tls.X509KeyPair([]byte(cert), []byte(key))
	if err != nil {
		panic(err)
	}
	return c
}
