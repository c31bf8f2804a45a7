@stet
Feature: Signed requests and the daily limit
  STET PSD2 v1.4.2: every request carries a Signature (cavage HTTP signature over
  (request-target), digest, x-request-id and the PSU headers) made with the QSEAL key that keyId
  names; "A message HTTP 400 will be returned by the server in case of an invalid or missing
  signature". AIS methods are limited to 4 calls a calendar day for a PSU and an account when the
  PSU is not connected (no PSU-IP-Address).

  @STET-GEN-02
  Scenario: STET-GEN-02 A request without a Signature is refused
    Given the PSU persona LEA with an access token of scope aisp
    And the next request carries no "Signature" header
    When the TPP sends GET /accounts
    Then the response status is 400

  @STET-GEN-02
  Scenario: STET-GEN-02 A request changed after it was signed is refused
    Given the PSU persona LEA with an access token of scope aisp
    And the next request's "X-Request-ID" header is changed to "changed-after-signing" after it is signed
    When the TPP sends GET /accounts
    Then the response status is 400

  # The keyId is "an URL aiming to provide the relevant Qualified Certificate": a bank may fetch it,
  # but only the TPP's own QSEAL certificate may verify the TPP's requests.
  @STET-GEN-02
  Scenario: STET-GEN-02 A request signed by a key that is not the TPP's QSEAL is refused
    Given the PSU persona LEA with an access token of scope aisp
    And the next request is signed with a key that is not the TPP's QSEAL, its keyId a URL to that key's own certificate
    When the TPP sends GET /accounts
    Then the response status is 400
    And the bank's use of the throwaway certificate is recorded

  @STET-GEN-04 @capability:stet.rate-limit
  Scenario: STET-GEN-04 Without PSU-IP-Address at most 4 calls a day are answered; with it, no limit
    Given the PSU persona CLAIRE with an access token of scope aisp
    And CLAIRE has forwarded her consent to balances and transactions on all her accounts
    And CLAIRE's "positive-balance" account is found in the accounts list
    When the TPP sends GET /accounts/{account}/balances without PSU-IP-Address until it is refused, at most 5 times
    Then the calls were refused with HTTP 429 after at most 4 answers HTTP 200
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 200
