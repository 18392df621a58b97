// cartera MODULE JOB [--options]: built from the module's manifest, so a new module needs no
// change to the host. Also the help texts.
#include "cli/commands.hpp"
#include "cli/terminal.hpp"
#include "exchange/mailer.hpp"

#include "base/failure.hpp"
#include "runtime/run/job.hpp"

#include <iostream>

namespace cartera::cli {

using namespace cartera::runtime;

namespace {

void print_module_help(const Manifest &m, std::ostream &out) {
  out << "cartera " << m.name << " — " << m.display_name << " (" << m.id << " " << m.version << ")\n";
  if (!m.description.empty()) {
    out << "\n" << m.description << "\n";
  }
  out << "\nJobs:\n";
  for (const auto &j : m.jobs) {
    out << "  " << j.name << std::string(j.name.size() < 18 ? 18 - j.name.size() : 1, ' ') << j.summary << "\n";
  }
  out << "\nRun `cartera " << m.name << " JOB --help` for a job's options.\n";
}

void print_job_help(const Manifest &m, const JobSpec &j, std::ostream &out) {
  out << "usage: cartera " << m.name << " " << j.name;
  for (const auto &p : j.params) {
    std::string arg = p.type == "boolean" ? "--" + p.name : "--" + p.name + " " + p.type;
    if (p.positional) {
      arg = p.type == "file" ? "FILE" : p.name;
    }
    out << " " << (p.required ? arg : "[" + arg + "]");
  }
  out << " [--format " << (j.formats.empty() ? "table" : j.formats.front()) << "]\n\n" << j.summary << "\n\nOptions:\n";
  for (const auto &p : j.params) {
    out << "  " << (p.positional ? "FILE, or --" : "--") << p.name << " " << (p.type == "boolean" ? "" : p.type);
    out << "\n      " << p.help;
    if (!p.choices.empty()) {
      out << " One of:";
      for (const auto &c : p.choices) {
        out << " " << c;
      }
      out << ".";
    }
    if (p.default_value) {
      out << " Default: " << *p.default_value << ".";
    }
    if (p.required) {
      out << " Required.";
    }
    out << "\n";
  }
  out << "  --format FORMAT\n      One of:";
  for (const auto &f : j.formats) {
    out << " " << f;
  }
  out << ". Default: " << (j.formats.empty() ? "table" : j.formats.front()) << ".\n";
  if (!j.input_doc_type.empty()) {
    out << "  --input FILE\n      The '" << j.input_doc_type << "' document to read. Required.\n";
  }
  out << "  --output FILE\n      Write the result to FILE (atomically) instead of standard output.\n";
  if (!j.roles.empty()) {
    out << "\nOnly users with the role";
    for (const auto &r : j.roles) {
      out << " " << r;
    }
    out << " may run it.\n";
  }
  if (!j.operations.empty()) {
    out << "\nUses the host operations:";
    for (const auto &o : j.operations) {
      out << " " << o;
    }
    out << "\n";
  }
}

} // namespace

int cmd_module_job(const Args &args) {
  Host host(args.global);
  const std::string &module = args.words[0];
  const ModuleRecord *record = host.catalog().find(module);
  if (record == nullptr || !record->manifest) {
    usage_error("unknown command or module '" + module + "' (see cartera --help and cartera plugins)");
  }
  const Manifest &m = *record->manifest;
  if (args.words.size() < 2) {
    print_module_help(m, args.help ? std::cout : std::cerr);
    return args.help ? 0 : 2;
  }
  // A job named "rates-import" is also `cartera interest rates import`: the words people say.
  // The two-word job wins over a job "rates" (whose argument "import" would be an error anyway).
  std::string job_name = args.words[1];
  std::size_t first_argument = 2;
  if (args.words.size() > 2 && m.find_job(job_name + "-" + args.words[2]) != nullptr) {
    job_name += "-" + args.words[2];
    first_argument = 3;
  }
  const JobSpec *job = m.find_job(job_name);
  const ParamSpec *positional = job != nullptr ? job->positional_param() : nullptr;
  if (args.words.size() > first_argument + (positional != nullptr ? 1U : 0U)) {
    usage_error(m.name + " " + job_name + ": unexpected argument '" + args.words.back() + "'");
  }
  if (job != nullptr && args.help) {
    print_job_help(m, *job, std::cout);
    return 0;
  }
  JobInvocation inv;
  inv.module = module;
  inv.job = job_name;
  inv.options = args.options;
  if (args.words.size() == first_argument + 1) {
    inv.options.emplace_back(positional->name, args.words[first_argument]);
  }
  for (const auto &f : args.flags) {
    const ParamSpec *p = job != nullptr ? job->find_param(f) : nullptr;
    if (p == nullptr || p->type != "boolean") {
      usage_error(m.name + " " + inv.job + ": --" + f +
                  (p == nullptr ? " is not an option of this job" : " needs a value"));
    }
    inv.options.emplace_back(f, "true");
  }
  inv.format = args.format;
  if (args.input) {
    inv.input = *args.input;
  }
  if (args.output) {
    inv.output = *args.output;
  }
  TerminalObserver observer(host.quiet());
  const JobOutcome outcome = run_job(host, inv, std::cout, observer);
  observer.clear_line();
  if (!host.quiet() && (outcome.documents_emitted > 0 || outcome.documents_already_present > 0)) {
    // Where they went: queued for the recipients cartera.xml names, the outbox, or nowhere
    // but the database (types kept out of the outbox, such as statements).
    std::string where;
    const auto part = [&where](std::size_t n, const std::string &what) {
      if (n > 0) {
        where += (where.empty() ? " (" : ", ") + std::to_string(n) + " " + what;
      }
    };
    part(outcome.documents_for_recipients, "queued for their recipients");
    part(outcome.documents_to_outbox, "in " + host.config().outbox_dir.string());
    part(outcome.documents_kept, "kept in the database");
    std::cerr << "cartera: run " << outcome.run_id << ": documents: " << outcome.documents_emitted << " new"
              << (where.empty() ? "" : where + ")") << ", " << outcome.documents_already_present
              << " emitted by an earlier run\n";
  }
  if (!host.quiet() && outcome.archived > 0) {
    std::cerr << "cartera: run " << outcome.run_id << ": " << outcome.archived << " files archived in "
              << host.config().archive_dir.string() << "\n";
  }
  if (!host.quiet() && outcome.archive_deferred > 0) {
    std::cerr << "cartera: run " << outcome.run_id << ": " << outcome.archive_deferred
              << " documents wait to be filed in the customers' folders (cartera archive file; cartera exchange "
                 "deliver files them first)\n";
  }
  // What the run owes customers goes out now if the law allows; the rest waits in the queue.
  if (outcome.messages_offered > 0) {
    const exchange::MailReport mail =
        exchange::send_due_messages(host, host.identity().user, [&](std::uint64_t done, std::uint64_t total) {
          observer.progress(done, total, "sending");
        });
    observer.clear_line();
    if (!host.quiet()) {
      print_mail_report(mail, std::cerr);
    }
  }
  return 0;
}

void print_main_help(std::ostream &out) {
  out << R"(usage: cartera [global options] COMMAND [options]

cartera runs accounts-receivable and collections modules inside a company's own accounting
system. Modules are loaded from the configured directory and run only for departments that
IT has enabled them for.

Commands:
  init                   write a starting cartera.xml and create cartera's tables
  plugins                list the modules with their state: what enabling them would decide
  modules list           which departments have which modules enabled
  modules enable MODULE --department D
  modules disable MODULE --department D
                         enable or disable a module for a department (role it; audited)
  runs [RUN_ID]          the run journal: who ran what, when, with what result;
                         with a run id, the documents it emitted
  audit                  the audit trail of changes
  host import DIR        load the reference host from ERP export files (role it; all or
                         nothing; importing the same files again changes nothing)
  host generate --out DIR [--customers N] [--seed S] [--months M] [--as-of DATE]
                [--bank-files [--bank-entries N]] [--members]
                         write the export files of a realistic sample company, and with
                         --bank-files the bank's camt.053 and Asobancaria 2001 files of the
                         next day (references, payer ids, partials, unknowns, a returned check);
                         --members adds contracts' members and invoice lines per member
  archive list|verify|file
                         the customers' folders: every document made for each, and its hash;
                         file places what approvals left to be filed after them
  contacts log|list|messages|send
                         the contact log (calls, e-mails) and the messages owed to customers,
                         sent only inside the contact hours of Ley 2300 de 2023
  MODULE                 a module's jobs (cartera MODULE --help)
  MODULE JOB [options]   run a job of a module (cartera MODULE JOB --help)

Global options:
  --config FILE          configuration (default: $CARTERA_CONFIG, then ./cartera.xml, then
                         the built-in defaults)
  --db URL               database: sqlite3:PATH, postgresql://USER@HOST:PORT/DB, odbc:DSN=NAME
  --user ID              who is acting: the user cartera.xml maps your system account to, or one
                         it lets that account act for (default: $CARTERA_USER, then the mapped one)
  --department ID        on whose behalf (default: the user's first department)
  --format FORMAT        table (for people), csv, xml or json (for programs)
  --now TIME             fix the clock (YYYY-MM-DD[THH:MM:SS[Z|±HH:MM]], Bogotá time)
  --quiet                no progress, no informational messages
  --help, --version

Exit codes: 0 ok, 1 failure, 2 usage, 3 input refused (nothing was written),
4 not permitted. Messages go to standard error, results to standard output.
)";
}

bool print_command_help(const std::string &name, std::ostream &out) {
  if (name == "init") {
    out << "usage: cartera init [--config FILE] [--force]\n\nWrites a commented cartera.xml (unless one exists; "
           "--force rewrites it), creates cartera's tables in its database and the outbox and inbox folders.\n";
  } else if (name == "plugins") {
    out << "usage: cartera plugins [--load] [--format table|csv|xml|json]\n\nLists every module in the module "
           "directory: name, id, version, ABI, state and jobs. The state is what `modules enable` would decide: "
           "ok, or refused: reason. Each module's manifest and library are checked, the module is loaded in a "
           "child process (a module that crashes cannot take the listing down) and its descriptor checked, and "
           "the operations its manifest names are looked for in the configured host adapter, the host's own "
           "and the module's own catalog. A check that could not be run is named in the state (ok, but ...).\n"
           "--load is accepted and changes nothing: every listing loads.\n";
  } else if (name == "modules") {
    out << "usage: cartera modules list [--format F]\n       cartera modules enable MODULE --department D\n"
           "       cartera modules disable MODULE --department D\n\nA module's jobs run only for departments that "
           "enabled it. Enabling and disabling need the 'it' role and are recorded in the audit trail.\nEnabling "
           "applies the checks `cartera plugins` shows and refuses (exit 1, audited) a module that fails one: "
           "refused by its manifest or library, refused when loaded (in a child process), or naming operations "
           "the configured host adapter lacks.\n";
  } else if (name == "runs") {
    out << "usage: cartera runs [--limit N] [--format F]\n       cartera runs RUN_ID [--format F]\n\nThe run "
           "journal, newest first: module, job, parameters, user, department, start, end, status and message. With "
           "a run id: the documents that run emitted, with their outbox path and sha256.\n";
  } else if (name == "host") {
    out << "usage: cartera host import DIR\n       cartera host generate --out DIR [--customers N] [--seed S] "
           "[--months M] [--as-of DATE] [--no-payments] [--members]\n\nimport loads customers.csv, contracts.csv, "
           "invoices.csv and payments.csv (and, when there, members.csv and invoice_lines.csv) from DIR into the "
           "reference host, all or nothing: a bad value stops it "
           "with file, line, column and value (exit 3) and nothing is written. Needs the 'it' role.\ngenerate writes "
           "those files for a sample company: N customers (default 1000), M monthly invoices each (default 24) "
           "ending in the month of --as-of (default today); the same seed gives the same files. --members also writes "
           "the members of family and collective contracts and one invoice line per member and month (fee by plan "
           "and age band, adjustments, interest).\n";
  } else if (name == "serve") {
    out << "usage: cartera serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--port-file FILE] "
           "[--deliver-every SECONDS]\n\nRuns until "
           "SIGINT or SIGTERM: takes recipients' acknowledgements (schemas/xml/acknowledgement.xsd) by POST "
           "/acknowledgements and delivers what recipients are owed on a schedule, as cartera exchange deliver "
           "does. GET /health answers ok.\nAn acknowledgement comes with the recipient's bearer token "
           "(Authorization: Bearer TOKEN; cartera exchange token RECIPIENT) as application/xml, and answers only "
           "for documents sent to that recipient: 200 when recorded; 401 without a known token, 403 for another "
           "recipient's document or a request from a web page (Origin), 415 for another content type, 422 with "
           "why when the document is refused; every refusal is audited and changes nothing else.\n"
           "--listen: an IP address and port (default 127.0.0.1:8470; [::1]:8470 for IPv6; port 0: any free "
           "port). An address other than loopback needs --tls-cert and --tls-key: answers never cross the network "
           "in clear text.\n--tls-cert, --tls-key: the certificate chain and its private key (PEM); serve then speaks "
           "HTTPS (TLS 1.2 or later).\n--port-file: where to "
           "write the port it listens on, once bound.\n--deliver-every: seconds "
           "between delivery passes (default 30; 0: never deliver); nothing is delivered when cartera.xml names "
           "no recipient. Each pass first files the documents waiting for the customers' folders (cartera archive "
           "file).\n";
  } else if (name == "exchange") {
    out << "usage: cartera exchange deliver [--wait SECONDS]\n       cartera exchange receive [FILE...]\n"
           "       cartera exchange status [--state S] [--format F]\n       cartera exchange retry DOCUMENT "
           "--recipient R\n       cartera exchange token RECIPIENT\n\n"
           "deliver takes each recipient's documents to it (cartera.xml <exchange>) in the order they were made; "
           "a recipient is claimed in the database first, so two passes at once (two commands, serve's timer) "
           "send each document once. receive reads answers from the inbox. status lists where each stands; retry "
           "puts a failed one back. token (role it) makes a new bearer token for a recipient to answer through "
           "cartera serve: printed once, with the token-sha256 to put on the recipient in cartera.xml.\n";
  } else if (name == "archive") {
    out << "usage: cartera archive list [--customer C] [--format F]\n       cartera archive verify [--customer C]\n"
           "       cartera archive file\n\n"
           "Every document made for a customer (statements and their PDF and HTML, letters, requests, responses) "
           "is kept once under <archive dir>/<customer>/<yyyy>/<mm>/, indexed with its type, period, sha256 and who "
           "made it; nothing there is overwritten (a new version is a new file).\nverify hashes every indexed "
           "file again and lists the missing or altered ones (exit 1) and the files no index row names.\nfile "
           "places the documents their run left to be filed after it (cash-receipt requests: an approval makes "
           "one per bank movement) in the folder and month the run would have used; cartera exchange deliver and "
           "the serve loop do it first. list says how many wait.\n";
  } else if (name == "contacts") {
    out << "usage: cartera contacts log --customer C --address A --result TEXT [--channel phone|email|sms] "
           "[--reached] [--note TEXT]\n       cartera contacts list [--customer C] [--since DATE]\n"
           "       cartera contacts messages [--state queued|sent|failed]\n       cartera contacts send\n\n"
           "The contact log (planilla de control): every attempt to reach a customer, by whom, when (Bogota time), "
           "on which channel and address, and the result. log records a call (roles analyst, lead); a contact "
           "outside the hours or limits of Ley 2300 de 2023 is recorded with a warning naming the rule.\n"
           "messages lists what modules queued for customers (statements by e-mail); send sends those due now "
           "through cartera.xml's <mail> server, only Monday to Friday 07:00-19:00 and Saturday 08:00-15:00, never "
           "on Sundays or holidays, and within the frequency limits; the others wait for their window.\n";
  } else if (name == "audit") {
    out << "usage: cartera audit [--limit N] [--format F]\n\nThe audit trail, newest first: who changed what, "
           "when and why.\n";
  } else {
    return false;
  }
  return true;
}

} // namespace cartera::cli
