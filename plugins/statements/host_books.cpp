#include "host_books.hpp"

#include <optional>

namespace cartera::statements {

// Named, not anonymous: HostBooks::Sources holds them.
namespace reading {

// How each of the host's statement_* operations becomes rows: its columns, found by name when
// the cursor opens, and the row read from them.
struct ContractReader {
  Column<Text> contract, kind, plan, status;
  explicit ContractReader(const Operation &op)
      : contract(op.column<Text>("contract_id")), kind(op.column<Text>("kind")), plan(op.column<Text>("plan")),
        status(op.column<Text>("status")) {}
  ContractRow operator()(const Operation &o) const {
    return {std::string(o[contract]), std::string(o[kind]), std::string(o[plan]), std::string(o[status])};
  }
};

struct InvoiceReader {
  Column<Text> contract, invoice;
  Column<Date> issued, due;
  Column<Centavos> amount;
  explicit InvoiceReader(const Operation &op)
      : contract(op.column<Text>("contract_id")), invoice(op.column<Text>("invoice_id")),
        issued(op.column<Date>("issue_date")), due(op.column<Date>("due_date")), amount(op.column<Centavos>("amount")) {
  }
  InvoiceRow operator()(const Operation &o) const {
    return {std::string(o[contract]), std::string(o[invoice]), o[issued].days, o[due].days, o[amount].value};
  }
};

struct PaymentReader {
  Column<Text> payment;
  Column<Date> paid_on;
  Column<Centavos> amount;
  Column<Text> method, reference;
  explicit PaymentReader(const Operation &op)
      : payment(op.column<Text>("payment_id")), paid_on(op.column<Date>("paid_on")),
        amount(op.column<Centavos>("amount")), method(op.column<Text>("method")),
        reference(op.column<Text>("reference")) {}
  PaymentRow operator()(const Operation &o) const {
    return {std::string(o[payment]), o[paid_on].days, o[amount].value, std::string(o[method]),
            std::string(o[reference])};
  }
};

struct ApplicationReader {
  Column<Text> payment, invoice;
  Column<Centavos> amount;
  explicit ApplicationReader(const Operation &op)
      : payment(op.column<Text>("payment_id")), invoice(op.column<Text>("invoice_id")),
        amount(op.column<Centavos>("amount")) {}
  ApplicationRow operator()(const Operation &o) const {
    return {std::string(o[payment]), std::string(o[invoice]), o[amount].value};
  }
};

struct LineReader {
  Column<Text> contract, invoice;
  Column<Date> issued;
  Column<std::int64_t> line_no;
  Column<Text> member, member_name, line_concept, plan, age_band, description;
  Column<Centavos> amount;
  explicit LineReader(const Operation &op)
      : contract(op.column<Text>("contract_id")), invoice(op.column<Text>("invoice_id")),
        issued(op.column<Date>("issue_date")), line_no(op.column<std::int64_t>("line_no")),
        member(op.column<Text>("member_id")), member_name(op.column<Text>("member_name")),
        line_concept(op.column<Text>("concept")), plan(op.column<Text>("plan")), age_band(op.column<Text>("age_band")),
        description(op.column<Text>("description")), amount(op.column<Centavos>("amount")) {}
  LineRow operator()(const Operation &o) const {
    return {std::string(o[contract]),
            std::string(o[invoice]),
            o[issued].days,
            o[line_no],
            std::string(o[member]),
            std::string(o[member_name]),
            std::string(o[line_concept]),
            std::string(o[plan]),
            std::string(o[age_band]),
            std::string(o[description]),
            o[amount].value};
  }
};

// A customer's contact: channel and address.
struct ContactReader {
  Column<Text> channel, address;
  explicit ContactReader(const Operation &op)
      : channel(op.column<Text>("channel")), address(op.column<Text>("address")) {}
  std::pair<std::string, std::string> operator()(const Operation &o) const {
    return {std::string(o[channel]), std::string(o[address])};
  }
};

// One of the host's operations read in customer order: the rows of the customer being built
// are taken while they last; a row of a later customer waits for its turn.
template <class Reader> class CustomerCursor {
public:
  CustomerCursor(Context &ctx, std::string_view operation, const std::string &customer,
                 std::optional<std::int64_t> from, std::optional<std::int64_t> to)
      : op_(ctx.operation(operation)), customer_(op_.column<Text>("customer_id")), read_(op_) {
    op_.bind("customer", std::string_view(customer));
    if (from) {
      op_.bind("from", cartera::Date{*from});
    }
    if (to) {
      op_.bind("to", cartera::Date{*to});
    }
    op_.execute();
    more_ = op_.step();
  }
  // Appends customer's rows to into, in the operation's order.
  template <class Row> void take(const std::string &customer, std::vector<Row> &into) {
    while (more_ && op_[customer_] == customer) {
      into.push_back(read_(op_));
      more_ = op_.step();
    }
  }
  // After the last customer: a row still waiting belongs to a customer statement_customers did
  // not give, or came out of customer order; its figures would be missing without a word.
  void expect_done() const {
    if (more_) {
      throw Error(CARTERA_E_INTERNAL, "the host's " + op_.name() + " gave rows of customer '" +
                                          std::string(op_[customer_]) +
                                          "' out of customer order, or of one statement_customers does not list");
    }
  }

private:
  Operation op_;
  Column<Text> customer_;
  Reader read_;
  bool more_ = false;
};

// statement_customers: who the statements are for.
struct HolderReader {
  Column<Text> customer, id_type, id_number, name, address, city;
  explicit HolderReader(const Operation &op)
      : customer(op.column<Text>("customer_id")), id_type(op.column<Text>("id_type")),
        id_number(op.column<Text>("id_number")), name(op.column<Text>("name")), address(op.column<Text>("address")),
        city(op.column<Text>("city")) {}
  Holder operator()(const Operation &o) const {
    return Holder{std::string(o[customer]), std::string(o[id_type]), std::string(o[id_number]),
                  std::string(o[name]),     std::string(o[address]), std::string(o[city])};
  }
};

// One cursor per operation.
using Contracts = CustomerCursor<ContractReader>;
using Invoices = CustomerCursor<InvoiceReader>;
using Payments = CustomerCursor<PaymentReader>;
using Applications = CustomerCursor<ApplicationReader>;
using Lines = CustomerCursor<LineReader>;
using ContactRows = CustomerCursor<ContactReader>;

} // namespace reading

struct HostBooks::Sources {
  reading::Contracts contracts;
  reading::Invoices invoices;
  reading::Payments payments;
  reading::Applications applications;
  std::optional<reading::Lines> lines;
  std::optional<reading::ContactRows> contacts;
  std::optional<Operation> customers;
  std::optional<reading::HolderReader> holder;
};

HostBooks::HostBooks(Context &ctx, const std::string &customer, const Period &p, bool lines, bool contacts)
    : ctx_(ctx), customer_(customer),
      src_(new Sources{reading::Contracts(ctx, "statement_contracts", customer, std::nullopt, std::nullopt),
                       reading::Invoices(ctx, "statement_invoices", customer, std::nullopt, p.end),
                       reading::Payments(ctx, "statement_payments", customer, std::nullopt, p.end),
                       reading::Applications(ctx, "statement_applications", customer, std::nullopt, p.end),
                       std::nullopt, std::nullopt, std::nullopt, std::nullopt}) {
  if (lines) {
    src_->lines.emplace(ctx, "statement_lines", customer, p.previous_start, p.end);
  }
  if (contacts) {
    src_->contacts.emplace(ctx, "customer_contacts", customer, std::nullopt, std::nullopt);
  }
}

HostBooks::~HostBooks() = default;

bool HostBooks::next(CustomerBooks &books, Contacts &contacts) {
  Sources &src = *src_;
  if (!src.customers) {
    src.customers.emplace(ctx_.host(), ctx_.call(), "statement_customers");
    src.holder.emplace(*src.customers);
    src.customers->bind("customer", std::string_view(customer_)).execute();
  }
  if (!src.customers->step()) {
    return false;
  }
  ctx_.throw_if_cancelled();
  books = CustomerBooks{};
  contacts.clear();
  books.holder = (*src.holder)(*src.customers);
  const std::string &id = books.holder.customer_id;
  src.contracts.take(id, books.contracts);
  src.invoices.take(id, books.invoices);
  src.payments.take(id, books.payments);
  src.applications.take(id, books.applications);
  if (src.lines) {
    src.lines->take(id, books.lines);
  }
  if (src.contacts) {
    src.contacts->take(id, contacts);
  }
  return true;
}

void HostBooks::expect_done() const {
  src_->contracts.expect_done();
  src_->invoices.expect_done();
  src_->payments.expect_done();
  src_->applications.expect_done();
  if (src_->lines) {
    src_->lines->expect_done();
  }
  if (src_->contacts) {
    src_->contacts->expect_done();
  }
}

} // namespace cartera::statements
