@stet @aisp
Feature: Get the transactions history
  STET PSD2 v1.4.2, "Get transactions history", acceptance table. dateFrom is inclusive, dateTo is
  exclusive, the history goes back at most 62 days, and dates take one of three ISO 8601 forms.
  Date boundaries are booking days of the unfiltered history the bank returned, so that the
  inclusion or exclusion of the boundary day shows on any bank's data; an account whose history
  cannot show it ends "could not check".

  Background:
    Given the PSU persona GEORGES with an access token of scope aisp
    And GEORGES has forwarded his consent to balances and transactions on all his accounts
    And GEORGES's "current" account is found in the accounts list

  @STET-AIS-TRX-01
  Scenario: STET-AIS-TRX-01 GEORGES reads the transaction history of his current account
    When the TPP requests the transactions of that account
    Then the response status is 200
    And at least one transaction is returned

  @STET-AIS-TRX-05
  Scenario: STET-AIS-TRX-05 dateFrom filters the history, the day itself included
    Given the transactions of that account without a date filter are kept for comparison
    When the TPP requests the transactions of that account with dateFrom on the booking day of a kept transaction
    Then the response status is 200
    And at least one transaction is returned
    And every transaction is booked on or after dateFrom
    And every kept transaction within the requested dates is returned

  @STET-AIS-TRX-06
  Scenario: STET-AIS-TRX-06 dateTo filters the history, the day itself excluded, within 62 days
    Given the transactions of that account without a date filter are kept for comparison
    When the TPP requests the transactions of that account with dateTo on the booking day of a kept transaction
    Then the response status is 200
    And at least one transaction is returned
    And every transaction is booked before dateTo
    And no transaction is booked more than 62 days ago
    And every kept transaction within the requested dates is returned

  @STET-AIS-TRX-07
  Scenario: STET-AIS-TRX-07 Transactions of an account without entryReference carry none
    Given GEORGES's "no-entry-reference" account is found in the accounts list
    When the TPP requests the transactions of that account
    Then the response status is 200
    And at least one transaction is returned
    And every transaction's entryReference is empty or absent

  @STET-AIS-TRX-08
  Scenario: STET-AIS-TRX-08 dateFrom and dateTo together keep [dateFrom, dateTo)
    Given the transactions of that account without a date filter are kept for comparison
    When the TPP requests the transactions of that account with dateFrom and dateTo on the booking days of two kept transactions
    Then the response status is 200
    And at least one transaction is returned
    And every transaction is booked on or after dateFrom
    And every transaction is booked before dateTo
    And every kept transaction within the requested dates is returned

  @STET-AIS-TRX-10
  Scenario Outline: STET-AIS-TRX-10 An invalid <param> is refused
    When the TPP requests the transactions of that account with <param> "<value>"
    Then the response status is 400

    Examples:
      | param    | value               |
      | dateFrom | 21/11/2026          |
      | dateTo   | 2026-13-45T00:00:00 |

  @STET-AIS-TRX-12
  Scenario Outline: STET-AIS-TRX-12 dateFrom written as <form> is accepted
    When the TPP requests the transactions of that account with dateFrom 20 days ago written as <form>
    Then the response status is 200 or 204

    Examples:
      | form                          |
      | YYYY-MM-DDTHH:MM:SS.SSS       |
      | YYYY-MM-DDTHH:MM:SS.SSSZ      |
      | YYYY-MM-DDTHH:MM:SS.SSS+HHMM  |
      | YYYY-MM-DDTHH:MM:SS.SSS+HH:MM |

  @STET-AIS-TRX-13 @capability:stet.bpce-limits
  Scenario: STET-AIS-TRX-13 Only booked and other statuses, at most 500 transactions
    When the TPP requests the transactions of that account
    Then the response status is 200
    And every transaction's status is BOOK or OTHR
    And at most 500 transactions are returned
