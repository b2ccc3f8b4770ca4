// Package webhooktest provides an HTTPS receiver for testing webhook
// senders and receivers: it records every request (headers, body, delivery
// ID) and answers as told, failing, timing out, or answering 410 or 429
// with Retry-After on demand. It also counts requests per delivery ID and
// detects a delivery attempted twice at once.
//
// # Use
//
//	rcv := webhooktest.NewReceiver(t)
//	rcv.FailTimes(2, http.StatusServiceUnavailable)
//	d, _ := webhook.New(store, &webhook.Config{TLSConfig: rcv.TLSConfig(), AllowAddrs: rcv.AllowAddrs()})
//	// subscribe rcv.URL, publish, then rcv.Wait(ctx, 3)
package webhooktest
