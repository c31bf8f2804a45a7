@altareq @security
Feature: Client assertions, request objects, PKCE, certificate-bound tokens and scopes
  The guide's "JWT generation": every PAR and token request carries a private_key_jwt client
  assertion (PS256, iss = sub = the client, aud = the issuer as one string, a fresh jti, at most
  5 minutes of life); a PAR or token request without one, or with one that breaks any of these, is
  refused with invalid_client. The request object is a PS256 JWT signed by the same client, for the
  issuer (aud), with exp and nbf, nbf at most 10 minutes old and exp at most 10 minutes after it;
  one that breaks any of these is refused with invalid_request_object. The token endpoint refuses a wrong PKCE verifier and a code used twice
  with invalid_grant. Access tokens are bound to the client certificate: a call without it is
  refused with 401. A data-sharing token cannot pay, nor a payment token read data: 403.

  @ALT-SEC-01
  Scenario Outline: ALT-SEC-01 PAR with a client assertion <flaw> is refused
    Given an account-access consent with a fresh ConsentId, expiring 10 minutes ahead
    When the TPP pushes the authorization request with a client assertion <flaw>
    Then the bank refuses the client authentication (HTTP 400 or 401, invalid_client) and issues nothing

    Examples:
      | flaw                                  |
      | left out                              |
      | signed by a key that is not the TPP's |
      | signed by the other client's key      |
      | signed RS256                          |
      | whose aud is not the issuer           |
      | whose aud is the PAR endpoint         |
      | whose aud is an array                 |
      | that has expired                      |

  @ALT-SEC-01
  Scenario: ALT-SEC-01 A client assertion whose jti was seen before is refused
    Given an account-access consent with a fresh ConsentId, expiring 10 minutes ahead
    When the TPP pushes the authorization request with a fresh client assertion
    Then the bank answers the pushed authorization request with a request_uri
    Given an account-access consent with a fresh ConsentId, expiring 10 minutes ahead
    When the TPP pushes the authorization request with a client assertion used before
    Then the bank refuses the client authentication (HTTP 400 or 401, invalid_client) and issues nothing

  @ALT-SEC-01
  Scenario Outline: ALT-SEC-01 A token request <how> is refused
    Given an account-access consent with a fresh ConsentId, expiring 10 minutes ahead
    When the TPP pushes the authorization request with a fresh client assertion
    And the PSU authorises the consent at the bank
    And the TPP redeems the code <how>
    Then the bank refuses the client authentication (HTTP 400 or 401, invalid_client) and issues nothing

    Examples:
      | how                                                    |
      | without a client assertion                             |
      | with a client assertion signed by a key that is not the TPP's |

  @ALT-SEC-02
  Scenario Outline: ALT-SEC-02 PAR with a request object <flaw> is refused
    Given an account-access consent with a fresh ConsentId, expiring 10 minutes ahead
    When the TPP pushes the authorization request with a request object <flaw>
    Then the bank refuses the request object (HTTP 400, invalid_request_object) and issues no request_uri

    Examples:
      | flaw                             |
      | whose signature does not verify  |
      | signed with alg none             |
      | that is not signed               |
      | signed by the other client's key |
      | whose exp has passed             |
      | without exp                      |
      | without nbf                      |
      | whose nbf is 20 minutes old      |
      | whose aud is not the issuer      |

  @ALT-SEC-03
  Scenario Outline: ALT-SEC-03 A token request <how> is refused
    Given an account-access consent with a fresh ConsentId, expiring 10 minutes ahead
    When the TPP pushes the authorization request with a fresh client assertion
    And the PSU authorises the consent at the bank
    And the TPP redeems the code <how>
    Then the bank refuses the grant (HTTP 400, invalid_grant) and issues no token

    Examples:
      | how                       |
      | with a wrong PKCE verifier |
      | without the PKCE verifier |

  @ALT-SEC-03
  Scenario: ALT-SEC-03 A code used twice is refused the second time
    Given the PSU authorised an account-access consent and the TPP holds its token
    When the TPP redeems the code again, with a fresh client assertion
    Then the bank refuses the grant (HTTP 400, invalid_grant) and issues no token

  @ALT-SEC-04 @capability:altareq.mtls
  Scenario: ALT-SEC-04 A token is refused without the client certificate it is bound to
    Given the PSU authorised an account-access consent and the TPP holds its token
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token without its client certificate
    Then the call is refused (TLS handshake refused, or HTTP 401) and returns no data
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token presenting the other client's certificate
    Then the response status is 401
    And the call is refused (TLS handshake refused, or HTTP 401) and returns no data
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token
    Then the response status is 200

  @ALT-SEC-05 @capability:altareq.payments
  Scenario: ALT-SEC-05 A payment with a data-sharing token is refused and makes no payment
    Given the PSU authorised an account-access consent and the TPP holds its token
    And the PSU authorised a single instant payment consent of 150.00 AED and the TPP holds its token
    When the TPP posts the payment with the data-sharing token
    Then the response status is 403
    When the TPP reads the payment consent with a client-credentials token
    Then no payment is listed under the consent

  @ALT-SEC-05 @capability:altareq.payments
  Scenario: ALT-SEC-05 A data-sharing call with a payment token is refused
    Given the PSU authorised an account-access consent and the TPP holds its token
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token
    Then every account listed is one the PSU shared
    Given the PSU authorised a single instant payment consent of 150.00 AED and the TPP holds its token
    When the TPP calls GET /account-information/v2.1/accounts/{debtor_account}/transactions with the payment token
    Then the response status is 403
