// Package linkedin is the LinkedIn provider of the job boards integration
// (UC-ADMIN-007 §2.1: Indeed, LinkedIn, Dice) where LinkedIn's API allows
// posting: it creates, updates and closes job postings through LinkedIn's
// Job Posting API with the organization's OAuth connection, and reads how
// LinkedIn processed them. Boards that take XML feeds, LinkedIn's Basic
// Jobs feed included, are package jobboards.
//
// # Source
//
// Modelled on LinkedIn's published Job Posting API documentation
// (learn.microsoft.com/linkedin/talent/job-postings/api: "Create Jobs",
// "Update and Renew Jobs", "Close Jobs", "Check Job Operation Task Status",
// "Job Posting Schema") and its OpenAPI description, job_posting_v2.yaml
// (version 2.0) in github.com/linkedin-developers/job-posting-development-tools:
//
//   - the versioned endpoints under https://api.linkedin.com/rest with the
//     LinkedIn-Version header (YYYYMM; [DefaultAPIVersion], or
//     [FieldAPIVersion]) and Rest.li protocol 2.0.0
//     (X-Restli-Protocol-Version: 2.0.0); an OAuth 2.0 bearer token;
//   - POST /rest/simpleJobPostings with X-RestLi-Method: BATCH_CREATE and
//     {"elements": [...]}, each element the foundation schema's
//     integrationContext (urn:li:organization:{id}), companyApplyUrl,
//     description (100 to 25,000 characters), employmentStatus,
//     externalJobPostingId, listedAt (epoch milliseconds, not in the
//     future), jobPostingOperationType (CREATE, UPDATE, CLOSE), location,
//     title (at most 200 characters), workplaceTypes (On-site, Hybrid,
//     Remote) and listingType BASIC; the answer, 200 with one entry per
//     element: 202 and the task's URN, or an error such as 422 "ERROR ::
//     /title :: field is required but not found and has no default value";
//   - GET /rest/simpleJobPostingTasks?ids=List(urn%3Ali%3A...), a Rest.li
//     batch get answering {"results": {urn: {"id", "status", "jobPosting",
//     "errorMessage"}}, "errors": {...}}; statuses IN_PROGRESS, SUCCEEDED,
//     FAILED and PROCESSED;
//   - error bodies {"status", "serviceErrorCode", "code", "message"}: 401
//     (65600 invalid token, 65602 expired token), 403 (an application
//     without the Job Posting program's permissions), 426 for a
//     LinkedIn-Version no longer served, 429 for throttling.
//
// Not modelled: promoted (PREMIUM) jobs and the Recruiter System Connect
// and Apply Connect extensions, which need contracts the integration does
// not configure; RENEW; the job posting status and notifications APIs.
// The tests run against a local server that answers as the documentation
// above describes.
//
// # OAuth
//
// The provider declares [providers.CapabilityOAuth] and holds no
// credentials: the host passes the access token of its LinkedIn OAuth
// connection (the Talent Solutions partner application; LinkedIn issues
// Job Posting API tokens by the client credentials flow) with each call
// under [providers.SettingAccessToken], and keeps the application's
// secret. A 401 is a [providers.KindAuth] error: the host then obtains a
// new token once and calls once more. 403 is [providers.KindAuth] too.
//
// # Settings
//
// [FieldOrganizationID] (required: the company page's ID or URN),
// [FieldAPIVersion] (YYYYMM, default [DefaultAPIVersion]) and
// [FieldBaseURL] (https only, except to a loopback address).
//
// # Operations
//
// Posting and closing serve the job_boards type's operations of package
// jobboards, so that a host posts a jobboards.Job the same way whichever
// provider serves the integration:
//
//   - [OpJobPost] (jobboards.OpJobUpsert): a [Posting], which is a
//     jobboards.Job and an operation, create (the default) or update, in;
//     a [PostResult] out. Hosts call [JobCreate] and [JobUpdate];
//     jobboards.JobUpsert creates. LinkedIn's API is not an upsert: it
//     refuses, in the task, a create of a reference number it has and an
//     update of one it has not, so the host, which knows whether it posted
//     the job, says which.
//   - [OpJobClose] (jobboards.OpJobRemove): the job as last posted in
//     (LinkedIn closes a job by re-posting it whole with CLOSE), a
//     [CloseResult] out; hosts call [JobClose]. jobboards.JobRemove sends
//     only a reference number and is refused as invalid input.
//   - [OpTaskStatus]: [TaskParams] in, [TaskStatuses] out ([TaskStatus]).
//
// The job maps to LinkedIn's posting as: referenceNumber to
// externalJobPostingId (at most 75 characters), url to companyApplyUrl,
// jobType to employmentStatus, workplace to workplaceTypes, city, state,
// country and postal code to LinkedIn's location forms ("City, State",
// "City, Country", "PostalCode, Country"), date to listedAt (now when
// zero). A job whose boards do not include linkedin is refused.
//
// LinkedIn processes postings asynchronously: a post or close returns
// when LinkedIn accepted the task, and [OpTaskStatus] tells how it ended.
// The API takes no idempotency key, so a retried create that LinkedIn had
// accepted yields a second task, which fails as a duplicate.
//
// Errors: auth as above ("Authentication failed. Please check
// credentials."); 429 is [providers.KindRateLimited] with the Retry-After
// wait; 5xx is [providers.KindRetryable] ("LinkedIn is currently
// unavailable"); other 4xx, and a batch entry's 422, are
// [providers.KindInvalidInput] with LinkedIn's message and codes. The
// token never appears in errors or log records.
//
// # Connection test
//
// [Provider.Check] runs the DNS, TCP and TLS stages against the API host,
// then authenticates with the call's token and the integration's API
// version by reading the status of a task that does not exist (a partner
// application's token reads no member or organization).
//
// # Plugin
//
// The command intime-provider-linkedin serves the provider as a plugin.
package linkedin
