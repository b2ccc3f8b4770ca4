package ses

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/intimeos/integrations/providers"
	"github.com/intimeos/integrations/retry"
)

var errNoTopic = errors.New("ses: the SNS topic ARN is not configured, so no SNS message can be accepted")

// HandleWebhook implements [providers.Provider] for the Amazon SNS
// messages that carry SES's bounces, complaints and other events:
//
//  1. the message must come from a topic of the snsTopicArn setting
//     ([providers.KindInvalidInput] when none is configured), since any
//     AWS account can sign messages of its own topics;
//  2. its signature is verified (SignatureVersion 1, SHA1withRSA, or 2,
//     SHA256withRSA, over the canonical string of its type) with the
//     certificate at SigningCertURL, which is fetched only from an https
//     URL on an SNS host (Config.SNSHost) and cached;
//  3. its Timestamp must be within Config.SNSMaxAge of now (replays).
//
// Any failure of these is [providers.KindAuth], before anything in the
// message is used. A body that is not an SNS message (raw message delivery
// has no signature) is refused too. Then a SubscriptionConfirmation is
// confirmed by fetching its SubscribeURL (again only on an SNS host) and
// yields one [EventSubscriptionConfirmed] event; an UnsubscribeConfirmation
// yields [EventUnsubscribed]; a Notification yields the SES events it
// carries, normalised as SendGrid's are ([EventTypes], [EventData]).
func (p *Provider) HandleWebhook(ctx context.Context, s providers.Settings, req *providers.WebhookRequest) ([]providers.Event, error) {
	if _, err := parseSettings(s); err != nil {
		return nil, err
	}
	topics := strings.TrimSpace(s[FieldSNSTopicARN])
	if topics == "" {
		return nil, providers.InvalidInput(errNoTopic)
	}
	m, err := p.verifySNS(ctx, topics, req)
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(&SNSEventData{Provider: Name, TopicARN: m.TopicARN})
	if err != nil {
		return nil, fmt.Errorf("ses: encode event: %w", err)
	}
	switch m.Type {
	case SNSSubscriptionConfirmation:
		if err := p.confirm(ctx, m); err != nil {
			return nil, err
		}
		return []providers.Event{{ID: m.MessageID, Type: EventSubscriptionConfirmed, Data: data}}, nil
	case SNSUnsubscribeConfirmation:
		return []providers.Event{{ID: m.MessageID, Type: EventUnsubscribed, Data: data}}, nil
	}
	evs, err := normalise(m.MessageID, m.Message)
	if err != nil {
		return nil, providers.InvalidInput(err)
	}
	return evs, nil
}

// verifySNS returns the request's SNS message once it is authenticated.
func (p *Provider) verifySNS(ctx context.Context, topics string, req *providers.WebhookRequest) (*SNSMessage, error) {
	if req == nil {
		return nil, providers.AuthFailed(ErrSNSSignature)
	}
	m, err := ParseSNSMessage(req.Body)
	if err != nil {
		return nil, providers.AuthFailed(fmt.Errorf("%w: %w", ErrSNSSignature, err))
	}
	if h := req.Header.Get(SNSTypeHeader); h != "" && h != m.Type {
		return nil, providers.AuthFailed(fmt.Errorf("%w: the message type header and body disagree", ErrSNSSignature))
	}
	if !topicAllowed(topics, m.TopicARN) {
		return nil, providers.AuthFailed(ErrSNSTopic)
	}
	key, err := p.certKey(ctx, m.SigningCertURL)
	if err != nil {
		if providers.KindOf(err) == providers.KindRetryable {
			return nil, err
		}
		return nil, providers.AuthFailed(err)
	}
	if err := m.verifySignature(key); err != nil {
		return nil, providers.AuthFailed(err)
	}
	if err := m.checkAge(p.cfg.Now(), p.cfg.SNSMaxAge); err != nil {
		return nil, providers.AuthFailed(err)
	}
	return m, nil
}

// confirm fetches a verified confirmation's SubscribeURL. A failure to
// reach SNS is retryable (SNS sends the confirmation again); a refusal
// (an expired token) is not.
func (p *Provider) confirm(ctx context.Context, m *SNSMessage) error {
	u, err := snsURL(m.SubscribeURL, p.cfg.SNSHost, "")
	if err != nil {
		return providers.InvalidInput(fmt.Errorf("ses: SubscribeURL is not an https URL on an SNS host"))
	}
	ctx, cancel := context.WithTimeout(ctx, SNSTimeoutDefault)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return providers.InvalidInput(err)
	}
	resp, err := p.cfg.SNSClient.Do(req)
	if err != nil {
		return providers.Unavailable(fmt.Errorf("ses: confirm SNS subscription: %w", err), retry.ClassifyError(err).Class)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, certMaxBytes))
	switch c := retry.ClassifyStatus(resp.StatusCode); {
	case resp.StatusCode == http.StatusOK:
		p.cfg.Logger.InfoContext(ctx, "ses: SNS subscription confirmed", "topic", m.TopicARN)
		return nil
	case c == retry.ClassServerError || c == retry.ClassRateLimited:
		return providers.Unavailable(fmt.Errorf("ses: confirm SNS subscription: HTTP %d", resp.StatusCode), c)
	default:
		return providers.InvalidInput(fmt.Errorf("ses: SNS refused the subscription confirmation: HTTP %d", resp.StatusCode))
	}
}
