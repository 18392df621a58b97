// The host's books as statements read them: its statement_* operations (and customer_contacts)
// read once each, ordered by customer, and merged customer by customer, so that 100,000
// statements are one pass over each operation, not a query per customer.
#pragma once

#include "statement_builder.hpp"

#include <cartera/plugin.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cartera::statements {

// A customer's contacts: channel and address.
using Contacts = std::vector<std::pair<std::string, std::string>>;

class HostBooks {
public:
  // Opens the operations for one customer, or every customer when customer is empty, up to the
  // period's end: contracts, invoices, payments and their applications; with lines, the
  // invoice lines of the period and the one before; with contacts, customer_contacts.
  HostBooks(Context &ctx, const std::string &customer, const Period &p, bool lines, bool contacts);
  ~HostBooks();
  HostBooks(const HostBooks &) = delete;
  HostBooks &operator=(const HostBooks &) = delete;

  // The next customer statement_customers lists (the operation runs at the first call), with
  // its rows of every other operation; false after the last. Checks for cancellation.
  bool next(CustomerBooks &books, Contacts &contacts);

  // After the last customer: a row still waiting belongs to a customer statement_customers did
  // not give, or came out of customer order; its figures would be missing without a word, so
  // it is an error (CARTERA_E_INTERNAL) naming the operation and the customer.
  void expect_done() const;

private:
  struct Sources;
  Context &ctx_;
  std::string customer_;
  std::unique_ptr<Sources> src_;
};

} // namespace cartera::statements
