@altareq @payments
Feature: Single instant payments and multi-payments
  The guide's "Single Instant Payment": POST /par with a payment consent whose creditor PII is
  signed and encrypted to the bank's encryption key, the PSU authorises, POST /token, POST
  /payments (a signed JWT, with an idempotency key), GET /payments: the payment is created (HTTP
  201) and GET returns it with a status. The same idempotency key and body twice make one payment
  and the second answer returns it; a single instant payment consent allows one payment, so a new
  key does not make a second. A payment whose PII is not encrypted to the bank is refused with
  a 4xx. "Multi Payments": under one variable-on-demand consent two payments are created and listed
  under the consent, and a payment beyond the consent's limits is refused.

  @ALT-PAY-01 @capability:altareq.payments
  Scenario: ALT-PAY-01 The payment is created and GET returns it with a status
    Given the PSU authorised a single instant payment consent of 150.00 AED and the TPP holds its token
    When the TPP posts the payment with its PII encrypted to the bank
    Then the response status is 201
    And the answer is a JWT signed by the bank
    And the payment is created for the consent, with a status of the standard
    And the response carries the request's "x-idempotency-key" header unchanged
    When the TPP reads each payment made with a client-credentials token
    Then the response status is 200
    And the answer is a JWT signed by the bank

  @ALT-PAY-02 @capability:altareq.payments
  Scenario: ALT-PAY-02 The same idempotency key and body twice make one payment
    Given the PSU authorised a single instant payment consent of 150.00 AED and the TPP holds its token
    When the TPP posts the payment with its PII encrypted to the bank
    Then the payment is created for the consent, with a status of the standard
    When the TPP posts the same payment again with the same idempotency key
    Then the response status is 201 or 200
    And the answer names the same payment
    When the TPP posts the payment again with a new idempotency key
    Then the bank refuses the payment with a 4xx
    When the TPP reads the payment consent with a client-credentials token
    Then exactly the payments made are listed under the consent

  @ALT-PAY-03 @capability:altareq.payments
  Scenario Outline: ALT-PAY-03 A payment whose PII is sent <how> is refused and makes no payment
    Given the PSU authorised a single instant payment consent of 150.00 AED and the TPP holds its token
    When the TPP posts the payment with its PII <how>
    Then the bank refuses the payment with a 4xx
    When the TPP reads the payment consent with a client-credentials token
    Then no payment is listed under the consent

    Examples:
      | how                                       |
      | as plain JSON                             |
      | as a JWS without encryption               |
      | encrypted to a key that is not the bank's |
      | encrypted with RSA1_5                     |

  @ALT-MPAY-01 @capability:altareq.multi-payments
  Scenario: ALT-MPAY-01 Two payments under one consent are listed under it; one beyond its limits is refused
    Given the PSU authorised a variable-on-demand consent of at most 200.00 AED a payment, 2 payments and 300.00 AED a week, 3 payments and 500.00 AED in all, and the TPP holds its token
    When the TPP posts a payment of 250.00 AED under the consent
    Then the bank refuses the payment with a 4xx
    When the TPP posts a payment of 100.00 AED under the consent
    Then the response status is 201
    When the TPP posts a payment of 50.00 AED under the consent
    Then the response status is 201
    When the TPP reads each payment made with a client-credentials token
    And the TPP reads the payment consent with a client-credentials token
    Then exactly the payments made are listed under the consent
    When the TPP posts a payment of 100.00 AED under the consent
    Then the bank refuses the payment with a 4xx
    When the TPP reads the payment consent with a client-credentials token
    Then exactly the payments made are listed under the consent

  @ALT-MPAY-01 @capability:altareq.multi-payments
  Scenario: ALT-MPAY-01 A payment that would take the week past its value limit is refused and not listed
    Given the PSU authorised a variable-on-demand consent of at most 200.00 AED a payment, 2 payments and 300.00 AED a week, 3 payments and 500.00 AED in all, and the TPP holds its token
    When the TPP posts a payment of 200.00 AED under the consent
    Then the response status is 201
    When the TPP posts a payment of 150.00 AED under the consent
    Then the bank refuses the payment with a 4xx
    When the TPP reads the payment consent with a client-credentials token
    Then exactly the payments made are listed under the consent

  # The week allows more than the whole consent does, so only the consent's own limit can refuse.
  @ALT-MPAY-01 @capability:altareq.multi-payments
  Scenario: ALT-MPAY-01 A payment beyond the consent's number of payments in all is refused and not listed
    Given the PSU authorised a variable-on-demand consent of at most 200.00 AED a payment, 3 payments and 300.00 AED a week, 2 payments and 300.00 AED in all, and the TPP holds its token
    When the TPP posts a payment of 50.00 AED under the consent
    Then the response status is 201
    When the TPP posts a payment of 50.00 AED under the consent
    Then the response status is 201
    When the TPP posts a payment of 50.00 AED under the consent
    Then the bank refuses the payment with a 4xx
    When the TPP reads the payment consent with a client-credentials token
    Then exactly the payments made are listed under the consent

  @ALT-MPAY-01 @capability:altareq.multi-payments
  Scenario: ALT-MPAY-01 A payment that would take the consent past its value in all is refused and not listed
    Given the PSU authorised a variable-on-demand consent of at most 200.00 AED a payment, 3 payments and 400.00 AED a week, 3 payments and 250.00 AED in all, and the TPP holds its token
    When the TPP posts a payment of 200.00 AED under the consent
    Then the response status is 201
    When the TPP posts a payment of 100.00 AED under the consent
    Then the bank refuses the payment with a 4xx
    When the TPP reads the payment consent with a client-credentials token
    Then exactly the payments made are listed under the consent
