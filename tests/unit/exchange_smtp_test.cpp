// Statements by e-mail: render_mime's bytes (a golden message, the shape of every line, refusals)
// and send_mail against a real SMTP server (tests/support/smtp_capture.py on aiosmtpd, whose
// Python email parse checks the MIME independently), a scripted server for what aiosmtpd cannot
// be made to do, a closed port and a server that never answers.
#include "exchange/mime_message.hpp"
#include "exchange/smtp_client.hpp"
#include "runtime/files/sha256.hpp"
#include "smtp_server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using cartera::exchange::MailAttachment;
using cartera::exchange::MailMessage;
using cartera::exchange::render_mime;
using cartera::exchange::send_mail;
using cartera::exchange::SmtpResult;
using cartera::exchange::SmtpSettings;
using cartera::testing::CapturedMail;
using cartera::testing::make_self_signed_certificate;
using cartera::testing::ScratchDir;
using cartera::testing::SmtpServer;

const std::string kSubject = "Estado de cuenta – noviembre de 2026";
const std::string kFileName = "Estado de cuenta – noviembre 2026.pdf";
// A body whose lines starting with "." only survive SMTP's dot-stuffing, and a line that is a
// lone "." which, unstuffed, would end the message early.
const std::string kText = "Señora Núñez:\n\nAdjuntamos su estado de cuenta de noviembre.\n.Esta línea empieza con "
                          "punto.\n..y esta con dos.\n.\nSaldo: $ 1.234.567,89\n";

std::int64_t utc_us(std::chrono::sys_days day, std::chrono::seconds time_of_day) {
  return std::chrono::duration_cast<std::chrono::microseconds>((day + time_of_day).time_since_epoch()).count();
}

MailMessage statement() {
  using namespace std::chrono;
  MailMessage m;
  m.from_address = "cartera@saludtotal.example";
  m.from_name = "Cartera – Salud Total";
  m.to = {"pagos@cliente.example"};
  m.reply_to = "cobranzas@saludtotal.example";
  m.subject = kSubject;
  m.text_body = kText;
  m.message_id = "stmt.C-0001.2026-11@cartera";
  m.date_utc_us = utc_us(sys_days{2026y / November / 22}, 14h + 30min);
  return m;
}

// About a megabyte that starts like a PDF and holds every byte value.
std::string pdf_like() {
  std::string bytes = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  while (bytes.size() < 1'000'000) {
    for (int b = 0; b < 256; ++b) {
      bytes += static_cast<char>(b);
    }
  }
  return bytes + "\n%%EOF\n";
}

std::vector<std::string> lines_of(const std::string &rendered) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (auto end = rendered.find("\r\n"); end != std::string::npos; end = rendered.find("\r\n", start)) {
    lines.push_back(rendered.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

// What render_mime refused, or "" when it rendered.
std::string mime_refusal(const MailMessage &m) {
  try {
    render_mime(m);
  } catch (const std::invalid_argument &e) {
    return e.what();
  }
  return "";
}

// --- MIME ----------------------------------------------------------------------------------------

TEST(MimeRender, GoldenTextOnlyMessage) {
  MailMessage m = statement();
  m.to = {"pagos@cliente.example", "tesoreria@cliente.example"};
  m.text_body = "Señora Núñez: su saldo es $ 1.234.567,89 = total \nGracias.";
  const std::string expected = "Date: Sun, 22 Nov 2026 09:30:00 -0500\r\n"
                               "From: =?UTF-8?B?Q2FydGVyYSDigJMgU2FsdWQgVG90YWw=?=\r\n"
                               " <cartera@saludtotal.example>\r\n"
                               "Reply-To: cobranzas@saludtotal.example\r\n"
                               "To: pagos@cliente.example, tesoreria@cliente.example\r\n"
                               "Subject: =?UTF-8?B?RXN0YWRvIGRlIGN1ZW50YSDigJMgbm92aWVtYnJlIGRlIDIwMjY=?=\r\n"
                               "Message-ID: <stmt.C-0001.2026-11@cartera>\r\n"
                               "MIME-Version: 1.0\r\n"
                               "Content-Type: text/plain; charset=utf-8\r\n"
                               "Content-Transfer-Encoding: quoted-printable\r\n"
                               "\r\n"
                               "Se=C3=B1ora N=C3=BA=C3=B1ez: su saldo es $ 1.234.567,89 =3D total=20\r\n"
                               "Gracias.\r\n";
  EXPECT_EQ(render_mime(m), expected);
}

TEST(MimeRender, SameInputSameBytesSevenBitCrlfShortLines) {
  MailMessage m = statement();
  m.subject = "Estado de cuenta – noviembre de 2026 – cliente Núñez & Cía. S.A.S., agencia Bogotá, "
              "cartera vencida a más de 90 días: por favor comuníquese con nosotros";
  m.html_body = "<p>Se&ntilde;ora N&uacute;&ntilde;ez: " + std::string(300, 'x') + "</p>";
  m.attachments = {{kFileName, "application/pdf", pdf_like().substr(0, 5000)},
                   {"Relación de facturas pendientes de pago con su vencimiento y los intereses de mora "
                    "liquidados a la tasa de usura.csv",
                    "text/csv", "factura;saldo\nF-1;100\n"}};
  const std::string once = render_mime(m);
  EXPECT_EQ(render_mime(m), once) << "rendering must be deterministic";

  EXPECT_EQ(once.find('\0'), std::string::npos);
  for (std::size_t i = 0; i < once.size(); ++i) {
    ASSERT_LT(static_cast<unsigned char>(once[i]), 0x80) << "8-bit byte at " << i;
    if (once[i] == '\n') {
      ASSERT_TRUE(i > 0 && once[i - 1] == '\r') << "bare LF at " << i;
    }
    if (once[i] == '\r') {
      ASSERT_TRUE(i + 1 < once.size() && once[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  ASSERT_EQ(once.substr(once.size() - 2), "\r\n");
  for (const auto &line : lines_of(once)) {
    EXPECT_LE(line.size(), 76u) << line;
  }
  EXPECT_NE(once.find("Content-Type: multipart/mixed;\r\n boundary=\"=_cartera_mixed_"), std::string::npos);
  EXPECT_NE(once.find("Content-Type: multipart/alternative;\r\n boundary=\"=_cartera_alt_"), std::string::npos);

  MailMessage other = m;
  other.message_id = "stmt.C-0002.2026-11@cartera";
  const std::string boundary = once.substr(once.find("=_cartera_mixed_"), 32);
  EXPECT_EQ(render_mime(other).find(boundary), std::string::npos) << "another message, another boundary";
}

TEST(MimeRender, LongNonAsciiSubjectBecomesEncodedWordsOfAtMost75) {
  MailMessage m = statement();
  m.subject.clear();
  for (int i = 0; i < 12; ++i) {
    m.subject += "Año 2026: señor Muñoz, ¿recibió el estado de cuenta? ";
  }
  const std::string rendered = render_mime(m);
  const auto start = rendered.find("Subject:");
  const auto end = rendered.find("\r\nMessage-ID:");
  const std::string subject = rendered.substr(start, end - start);
  std::size_t words = 0;
  for (auto at = subject.find("=?UTF-8?B?"); at != std::string::npos; at = subject.find("=?UTF-8?B?", at + 1)) {
    const auto close = subject.find("?=", at + 10);
    ASSERT_NE(close, std::string::npos);
    EXPECT_LE(close + 2 - at, 75u) << "RFC 2047 limits an encoded-word to 75 characters";
    ++words;
  }
  EXPECT_GT(words, 10u);
}

TEST(MimeRender, NonAsciiFileNameAsRfc2231Parameter) {
  MailMessage m = statement();
  m.attachments = {{"Señora Núñez.pdf", "application/pdf", "%PDF-1.7"},
                   {"estado.pdf", "", "x"},
                   {kFileName, "application/pdf", "y"}};
  const std::string rendered = render_mime(m);
  EXPECT_NE(
      rendered.find("Content-Type: application/pdf;\r\n name*=utf-8''Se%C3%B1ora%20N%C3%BA%C3%B1ez.pdf\r\n"
                    "Content-Transfer-Encoding: base64\r\n"
                    "Content-Disposition: attachment;\r\n filename*=utf-8''Se%C3%B1ora%20N%C3%BA%C3%B1ez.pdf\r\n"),
      std::string::npos)
      << rendered;
  EXPECT_NE(rendered.find("Content-Type: application/octet-stream;\r\n name=\"estado.pdf\"\r\n"), std::string::npos);
  // Too long for one line: RFC 2231 continuations, the charset on the first only.
  EXPECT_NE(rendered.find(" filename*0*=utf-8''Estado%20de%20cuenta%20%E2%80%93%20noviembre%202026.p;\r\n"
                          " filename*1*=df\r\n"),
            std::string::npos)
      << rendered;
}

TEST(MimeRender, DateIsBogotaTime) {
  using namespace std::chrono;
  MailMessage m = statement();
  EXPECT_EQ(render_mime(m).substr(0, 38), "Date: Sun, 22 Nov 2026 09:30:00 -0500\r");
  m.date_utc_us = utc_us(sys_days{2026y / December / 1}, 3h + 5s);
  EXPECT_EQ(render_mime(m).substr(0, 38), "Date: Mon, 30 Nov 2026 22:00:05 -0500\r");
}

TEST(MimeRender, RefusesHeaderInjectionNamingTheField) {
  const std::vector<std::pair<std::string, std::function<void(MailMessage &)>>> cases = {
      {"subject", [](MailMessage &m) { m.subject = "Estado\r\nBcc: todos@example.com"; }},
      {"from_name", [](MailMessage &m) { m.from_name = "Cartera\nBcc: todos@example.com"; }},
      {"from_address", [](MailMessage &m) { m.from_address = "cartera@x.example\r\nBcc: a@b.example"; }},
      {"to[1]", [](MailMessage &m) { m.to.push_back("b@cliente.example\nBcc: a@b.example"); }},
      {"reply_to", [](MailMessage &m) { m.reply_to = "r@x.example\r"; }},
      {"message_id", [](MailMessage &m) { m.message_id = "a@b>\r\nBcc: x@y.example"; }},
      {"attachments[0].file_name",
       [](MailMessage &m) {
         m.attachments.push_back({"estado.pdf\r\nContent-Type: text/html", "application/pdf", "x"});
       }},
  };
  for (const auto &[field, spoil] : cases) {
    MailMessage m = statement();
    spoil(m);
    const std::string why = mime_refusal(m);
    EXPECT_NE(why.find(field + ":"), std::string::npos) << field << ": " << why;
    EXPECT_NE(why.find("CR, LF"), std::string::npos) << field << ": " << why;
  }
}

TEST(MimeRender, RefusesWhatCannotBeAMessage) {
  const std::vector<std::pair<std::string, std::function<void(MailMessage &)>>> cases = {
      {"to:", [](MailMessage &m) { m.to.clear(); }},
      {"to[0]:", [](MailMessage &m) { m.to = {"sin-arroba.example"}; }},
      {"to[0]:", [](MailMessage &m) { m.to = {"Ana <ana@x.example>"}; }},
      {"to[0]:", [](MailMessage &m) { m.to = {"núñez@x.example"}; }},
      {"text_body:", [](MailMessage &m) { m.text_body.clear(); }},
      {"subject: is not UTF-8", [](MailMessage &m) { m.subject = "Estado \xE9"; }},
      {"date_utc_us:", [](MailMessage &m) { m.date_utc_us = 0; }},
      {"message_id:", [](MailMessage &m) { m.message_id = "sin arroba"; }},
      {"attachments[0].file_name:",
       [](MailMessage &m) {
         m.attachments.push_back({"../etc/passwd", "", "x"});
       }},
      {"attachments[0].media_type:",
       [](MailMessage &m) {
         m.attachments.push_back({"a.eml", "message/rfc822", "x"});
       }},
      {"attachments[0].media_type:",
       [](MailMessage &m) {
         m.attachments.push_back({"a.pdf", "pdf", "x"});
       }},
  };
  for (const auto &[expected, spoil] : cases) {
    MailMessage m = statement();
    spoil(m);
    EXPECT_NE(mime_refusal(m).find(expected), std::string::npos) << expected << " → " << mime_refusal(m);
  }
}

// --- SMTP against aiosmtpd ---------------------------------------------------------------------

class SmtpDelivery : public ::testing::Test {
protected:
  void SetUp() override {
    if (const std::string why = cartera::testing::smtp_server_unavailable(); !why.empty()) {
      GTEST_SKIP() << why;
    }
  }

  static SmtpSettings to_port(std::uint16_t port, SmtpSettings::Tls tls = SmtpSettings::Tls::if_offered) {
    SmtpSettings s;
    s.port = port;
    s.tls = tls;
    s.timeout = 10s;
    return s;
  }

  // The statement, to the envelope's recipients (its To: header stays the customer's address).
  static SmtpResult send(const SmtpSettings &s,
                         const std::vector<std::string> &recipients = {"pagos@cliente.example"}) {
    return send_mail(s, "rebotes@saludtotal.example", recipients, render_mime(statement()));
  }

  ScratchDir scratch_;
};

TEST_F(SmtpDelivery, StatementWithAMegabytePdfArrivesExactly) {
  SmtpServer server;
  MailMessage m = statement();
  m.to = {"pagos@cliente.example", "contabilidad@cliente.example"};
  const std::string pdf = pdf_like();
  m.attachments = {{kFileName, "application/pdf", pdf}};
  const SmtpResult r = send_mail(to_port(server.port()), "rebotes@saludtotal.example", m.to, render_mime(m));
  ASSERT_TRUE(r.delivered) << r.reply;
  EXPECT_EQ(r.code, 250);
  EXPECT_FALSE(r.tls);
  EXPECT_TRUE(r.refused_recipients.empty());
  EXPECT_NE(r.reply.find("queued as 0001"), std::string::npos) << r.reply;

  const auto mails = server.wait_for_messages(1, 10s);
  ASSERT_EQ(mails.size(), 1u);
  const CapturedMail &got = mails[0];
  EXPECT_EQ(got.parse_error, "");
  EXPECT_TRUE(got.defects.empty()) << got.defects.front();
  EXPECT_EQ(got.mail_from, "rebotes@saludtotal.example");
  EXPECT_EQ(got.rcpt_tos, m.to);
  EXPECT_EQ(got.subject, kSubject);
  EXPECT_EQ(got.from, "Cartera – Salud Total <cartera@saludtotal.example>");
  EXPECT_EQ(got.to, "pagos@cliente.example, contabilidad@cliente.example");
  EXPECT_EQ(got.reply_to, "cobranzas@saludtotal.example");
  EXPECT_EQ(got.message_id, "<stmt.C-0001.2026-11@cartera>");
  EXPECT_EQ(got.date, "Sun, 22 Nov 2026 09:30:00 -0500");
  EXPECT_EQ(got.content_type, "multipart/mixed");
  EXPECT_EQ(got.text, kText) << "lines starting with \".\", and a lone \".\", must survive";
  ASSERT_EQ(got.attachments.size(), 1u);
  EXPECT_EQ(got.attachments[0].filename, kFileName);
  EXPECT_EQ(got.attachments[0].content_type, "application/pdf");
  EXPECT_EQ(got.attachments[0].size, pdf.size());
  EXPECT_EQ(got.attachments[0].sha256, cartera::runtime::sha256_hex(pdf));
}

TEST_F(SmtpDelivery, HtmlLongHeadersAndAwkwardTextDecodeBack) {
  SmtpServer server;
  MailMessage m = statement();
  m.from_name = "Cartera \"Salud Total\" S.A.";
  m.subject =
      "Año 2026: señor Muñoz, ¿recibió el estado de cuenta? =?no es una palabra codificada?= " + std::string(120, 'z') +
      " fin";
  // Trailing blanks, "=", a tab, a 300-character line and CRLF line ends must all come back.
  m.text_body = "Saldo = $ 10 \t\r\nlínea con espacio final \r\n" + std::string(300, 'a') + "ñ\r\n\r\nfin";
  m.html_body = "<html><body><p>Se&ntilde;ora: <b>saldo</b> = 10 €</p>\n</body></html>\n";
  m.attachments = {{"Relación de facturas pendientes de pago con su vencimiento y los intereses de mora "
                    "liquidados.csv",
                    "text/csv", "factura;saldo\r\nF-1;100\r\n"},
                   {"plain.txt", "text/plain", std::string("binary\0inside", 13)}};
  const SmtpResult r = send_mail(to_port(server.port()), "", {"pagos@cliente.example"}, render_mime(m));
  ASSERT_TRUE(r.delivered) << r.reply;
  const auto mails = server.wait_for_messages(1, 10s);
  ASSERT_EQ(mails.size(), 1u);
  const CapturedMail &got = mails[0];
  EXPECT_TRUE(got.defects.empty()) << got.defects.front();
  EXPECT_EQ(got.mail_from, "<>") << "the null sender";
  EXPECT_EQ(got.subject, m.subject);
  EXPECT_EQ(got.from, "\"Cartera \\\"Salud Total\\\" S.A.\" <cartera@saludtotal.example>");
  EXPECT_EQ(got.text, "Saldo = $ 10 \t\nlínea con espacio final \n" + std::string(300, 'a') + "ñ\n\nfin\n");
  EXPECT_EQ(got.html, m.html_body);
  ASSERT_EQ(got.attachments.size(), 2u);
  EXPECT_EQ(got.attachments[0].filename, m.attachments[0].file_name);
  EXPECT_EQ(got.attachments[0].sha256, cartera::runtime::sha256_hex(m.attachments[0].content));
  EXPECT_EQ(got.attachments[1].size, 13u);
}

TEST_F(SmtpDelivery, BareLineEndsAndDotLinesOfAnyMessage) {
  SmtpServer server;
  const std::string message = "From: a@x.example\nTo: b@y.example\nSubject: puntos\n\n.\n..\n.oculto\nfin\r\nsin final";
  const SmtpResult r = send_mail(to_port(server.port()), "a@x.example", {"b@y.example"}, message);
  ASSERT_TRUE(r.delivered) << r.reply;
  const auto mails = server.wait_for_messages(1, 10s);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(
      mails[0].eml,
      "From: a@x.example\r\nTo: b@y.example\r\nSubject: puntos\r\n\r\n.\r\n..\r\n.oculto\r\nfin\r\nsin final\r\n");
}

TEST_F(SmtpDelivery, StartTlsWithTheServersCertificate) {
  const auto cert = make_self_signed_certificate(scratch_.path(), "server");
  SmtpServer server({"--tls-cert", cert.cert.string(), "--tls-key", cert.key.string()});
  SmtpSettings s = to_port(server.port());
  s.ca_file = cert.cert.string();
  SmtpResult r = send(s);
  ASSERT_TRUE(r.delivered) << r.reply;
  EXPECT_TRUE(r.tls);

  s.host = "localhost"; // verified against the certificate's DNS name, sent as SNI
  r = send(s);
  ASSERT_TRUE(r.delivered) << r.reply;
  EXPECT_TRUE(r.tls);

  s.tls = SmtpSettings::Tls::never;
  r = send(s);
  ASSERT_TRUE(r.delivered) << r.reply;
  EXPECT_FALSE(r.tls);

  const auto mails = server.wait_for_messages(3, 10s);
  ASSERT_EQ(mails.size(), 3u);
  EXPECT_TRUE(mails[0].tls);
  EXPECT_TRUE(mails[1].tls);
  EXPECT_FALSE(mails[2].tls);
  EXPECT_EQ(mails[0].subject, kSubject);
}

TEST_F(SmtpDelivery, CertificateFromAnotherAuthorityIsRefusedAndNothingSent) {
  const auto cert = make_self_signed_certificate(scratch_.path(), "server");
  const auto other = make_self_signed_certificate(scratch_.path(), "other");
  SmtpServer server({"--tls-cert", cert.cert.string(), "--tls-key", cert.key.string()});
  SmtpSettings s = to_port(server.port());
  s.ca_file = other.cert.string();
  SmtpResult r = send(s);
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.code, 0);
  EXPECT_FALSE(r.tls);
  EXPECT_NE(r.reply.find("certificate verify failed"), std::string::npos) << r.reply;
  EXPECT_NE(r.reply.find("self-signed certificate"), std::string::npos) << r.reply;

  s.ca_file = (scratch_.path() / "missing.pem").string();
  r = send(s);
  EXPECT_FALSE(r.delivered);
  EXPECT_NE(r.reply.find("missing.pem: the file cannot be read"), std::string::npos) << r.reply;

  s.verify_peer = false; // the operator's explicit choice: encrypted, not authenticated
  r = send(s);
  EXPECT_TRUE(r.delivered) << r.reply;
  EXPECT_TRUE(r.tls);
  EXPECT_EQ(server.wait_for_messages(1, 5s).size(), 1u) << "only the unverified session delivered";
}

TEST_F(SmtpDelivery, CertificateForAnotherHostIsRefused) {
  const auto cert = make_self_signed_certificate(scratch_.path(), "elsewhere", "DNS:elsewhere.example");
  SmtpServer server({"--tls-cert", cert.cert.string(), "--tls-key", cert.key.string()});
  SmtpSettings s = to_port(server.port());
  s.ca_file = cert.cert.string();
  SmtpResult r = send(s);
  EXPECT_FALSE(r.delivered);
  EXPECT_NE(r.reply.find("IP address mismatch"), std::string::npos) << r.reply;

  s.host = "localhost";
  r = send(s);
  EXPECT_FALSE(r.delivered);
  EXPECT_NE(r.reply.find("hostname mismatch"), std::string::npos) << r.reply;
  EXPECT_TRUE(server.wait_for_messages(1, 300ms).empty());
}

TEST_F(SmtpDelivery, TlsRequiredButNotOfferedIsNotSent) {
  SmtpServer server;
  const SmtpResult r = send(to_port(server.port(), SmtpSettings::Tls::required));
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.reply.find("does not offer STARTTLS"), std::string::npos) << r.reply;
  EXPECT_TRUE(server.wait_for_messages(1, 300ms).empty());
}

TEST_F(SmtpDelivery, ServerThatRequiresTlsRefusesAPlainSession) {
  const auto cert = make_self_signed_certificate(scratch_.path(), "server");
  SmtpServer server({"--tls-cert", cert.cert.string(), "--tls-key", cert.key.string(), "--require-tls"});
  SmtpSettings s = to_port(server.port(), SmtpSettings::Tls::never);
  SmtpResult r = send(s);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.code, 530) << r.reply;
  EXPECT_TRUE(r.permanent);

  s.tls = SmtpSettings::Tls::required;
  s.ca_file = cert.cert.string();
  r = send(s);
  EXPECT_TRUE(r.delivered) << r.reply;
  EXPECT_TRUE(r.tls);
}

TEST_F(SmtpDelivery, AuthenticatesAfterStartTls) {
  const auto cert = make_self_signed_certificate(scratch_.path(), "server");
  SmtpServer server({"--tls-cert", cert.cert.string(), "--tls-key", cert.key.string(), "--auth", "cartera:s3cr3t:ñ"});
  SmtpSettings s = to_port(server.port(), SmtpSettings::Tls::required);
  s.ca_file = cert.cert.string();
  s.username = "cartera";
  s.password = "s3cr3t:ñ";
  SmtpResult r = send(s);
  ASSERT_TRUE(r.delivered) << r.reply;
  const auto mails = server.wait_for_messages(1, 10s);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].auth_user, "cartera");

  s.password = "wrong";
  r = send(s);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.code, 535) << r.reply;
  EXPECT_TRUE(r.permanent);
  EXPECT_EQ(r.reply.find("wrong"), std::string::npos) << "the password never reaches the log";
}

TEST_F(SmtpDelivery, CredentialsAreNotSentInTheClear) {
  SmtpServer server;
  SmtpSettings s = to_port(server.port());
  s.username = "cartera";
  s.password = "s3cr3t";
  const SmtpResult r = send(s);
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.reply.find("not encrypted"), std::string::npos) << r.reply;
}

TEST_F(SmtpDelivery, RefusedRecipientIsPermanentTheOthersDelivered) {
  SmtpServer server({"--reject", "malo@cliente.example"});
  const std::vector<std::string> to = {"pagos@cliente.example", "malo@cliente.example", "otro@cliente.example",
                                       "no es una dirección"};
  const SmtpResult r = send(to_port(server.port()), to);
  ASSERT_TRUE(r.delivered) << r.reply;
  EXPECT_EQ(r.refused_recipients, (std::vector<std::string>{"malo@cliente.example", "no es una dirección"}));
  EXPECT_NE(r.reply.find("refused malo@cliente.example: 550 5.1.1"), std::string::npos) << r.reply;
  const auto mails = server.wait_for_messages(1, 10s);
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].rcpt_tos, (std::vector<std::string>{"pagos@cliente.example", "otro@cliente.example"}));

  const SmtpResult none = send(to_port(server.port()), {"malo@cliente.example"});
  EXPECT_FALSE(none.delivered);
  EXPECT_TRUE(none.permanent);
  EXPECT_EQ(none.code, 550);
  EXPECT_EQ(none.refused_recipients, (std::vector<std::string>{"malo@cliente.example"}));
}

TEST_F(SmtpDelivery, TemporaryRefusalIsTransient) {
  SmtpServer server({"--tempfail", "lleno@cliente.example", "--reject", "malo@cliente.example"});
  const SmtpResult r = send(to_port(server.port()), {"malo@cliente.example", "lleno@cliente.example"});
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.permanent) << "one recipient may still accept later";
  EXPECT_EQ(r.code, 451);
  EXPECT_NE(r.reply.find("try again later"), std::string::npos) << r.reply;
  EXPECT_TRUE(server.wait_for_messages(1, 300ms).empty());
}

// --- SMTP against a scripted server and bare sockets -----------------------------------------------

// One connection on 127.0.0.1, answered line by line by a function: for what aiosmtpd will not do
// (refuse EHLO, greet with 421, speak HTTP, send bytes after its STARTTLS reply). After a 354 it
// takes the message up to the lone "." and answers 250.
class ScriptedServer {
public:
  using Answer = std::function<std::string(const std::string &command)>;

  ScriptedServer(std::string greeting, Answer answer)
      : acceptor_(ioc_, {net::ip::make_address("127.0.0.1"), 0}),
        thread_([this, greeting = std::move(greeting), answer = std::move(answer)] { serve(greeting, answer); }) {}
  ~ScriptedServer() {
    if (!served_) { // unblock the accept
      boost::system::error_code ignored;
      tcp::socket poke(ioc_);
      poke.connect(acceptor_.local_endpoint(), ignored);
    }
    if (thread_.joinable()) {
      thread_.join();
    }
  }
  ScriptedServer(const ScriptedServer &) = delete;
  ScriptedServer &operator=(const ScriptedServer &) = delete;

  [[nodiscard]] std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  // The command lines received, once the session is over.
  std::vector<std::string> received() {
    if (thread_.joinable()) {
      thread_.join();
    }
    return received_;
  }

private:
  void serve(const std::string &greeting, const Answer &answer) {
    boost::system::error_code ec;
    tcp::socket socket = acceptor_.accept(ec);
    served_ = true;
    net::write(socket, net::buffer(greeting), ec);
    std::string input;
    bool in_data = false;
    while (!ec) {
      const std::size_t n = net::read_until(socket, net::dynamic_buffer(input), "\r\n", ec);
      if (ec) {
        break;
      }
      const std::string line = input.substr(0, n - 2);
      input.erase(0, n);
      if (in_data) {
        in_data = line != ".";
        if (!in_data) {
          net::write(socket, net::buffer(std::string("250 taken\r\n")), ec);
        }
        continue;
      }
      received_.push_back(line);
      const std::string reply = answer(line);
      if (reply.empty()) {
        break;
      }
      in_data = reply.rfind("354", 0) == 0;
      net::write(socket, net::buffer(reply), ec);
    }
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::vector<std::string> received_;
  std::atomic<bool> served_{false};
  std::thread thread_;
};

// A conventional server's answers, for scripts that change one of them.
std::string ordinary(const std::string &command) {
  if (command.rfind("DATA", 0) == 0) {
    return "354 go ahead\r\n";
  }
  if (command == "QUIT") {
    return "221 bye\r\n";
  }
  return "250 ok\r\n";
}

SmtpSettings scripted(std::uint16_t port) {
  SmtpSettings s;
  s.port = port;
  s.timeout = 5s;
  return s;
}

const std::string kPlain = "Subject: x\r\n\r\nhola\r\n";

TEST(SmtpScripted, FallsBackToHeloAndReadsMultiLineReplies) {
  ScriptedServer server("220-smtp.example ESMTP\r\n220-second line\r\n220 ready\r\n", [](const std::string &c) {
    if (c.rfind("EHLO", 0) == 0) {
      return std::string("502 5.5.2 command not recognized\r\n");
    }
    if (c.rfind("RCPT", 0) == 0) {
      return std::string("250-accepted\r\n250 2.1.5 really\r\n");
    }
    return ordinary(c);
  });
  SmtpSettings s = scripted(server.port());
  s.helo_name = "cartera.salud.example";
  const SmtpResult r = send_mail(s, "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_TRUE(r.delivered) << r.reply;
  EXPECT_EQ(r.reply, "250 taken");
  EXPECT_EQ(server.received(),
            (std::vector<std::string>{"EHLO cartera.salud.example", "HELO cartera.salud.example",
                                      "MAIL FROM:<a@x.example>", "RCPT TO:<b@y.example>", "DATA", "QUIT"}));
}

TEST(SmtpScripted, GreetingWith421IsTransient) {
  ScriptedServer server("421 4.3.2 too busy, come back later\r\n", ordinary);
  const SmtpResult r = send_mail(scripted(server.port()), "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.code, 421);
  EXPECT_NE(r.reply.find("too busy"), std::string::npos) << r.reply;
  EXPECT_TRUE(server.received().empty()) << "no QUIT after 421: the server is closing";
}

TEST(SmtpScripted, APeerThatIsNotSmtpEndsTheSession) {
  ScriptedServer server("HTTP/1.1 400 Bad Request\r\n\r\n", ordinary);
  const SmtpResult r = send_mail(scripted(server.port()), "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.reply.find("not an SMTP reply"), std::string::npos) << r.reply;
}

TEST(SmtpScripted, BytesAfterTheStartTlsReplyAreRefused) {
  ScriptedServer server("220 ready\r\n", [](const std::string &c) {
    if (c.rfind("EHLO", 0) == 0) {
      return std::string("250-smtp.example\r\n250 STARTTLS\r\n");
    }
    if (c == "STARTTLS") {
      return std::string("220 go ahead\r\n250 injected before the handshake\r\n");
    }
    return ordinary(c);
  });
  const SmtpResult r = send_mail(scripted(server.port()), "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.tls);
  EXPECT_NE(r.reply.find("before the TLS handshake"), std::string::npos) << r.reply;
}

TEST(SmtpScripted, AuthLoginToALoopbackServerWhenTlsIsNever) {
  ScriptedServer server("220 ready\r\n", [](const std::string &c) {
    if (c.rfind("EHLO", 0) == 0) {
      return std::string("250-smtp.example\r\n250-AUTH=LOGIN\r\n250 SIZE 1000000\r\n");
    }
    if (c == "AUTH LOGIN" || c == "Y2FydGVyYQ==") {
      return std::string("334 go on\r\n");
    }
    if (c == "czNjcjN0") {
      return std::string("235 2.7.0 welcome\r\n");
    }
    return ordinary(c);
  });
  SmtpSettings s = scripted(server.port());
  s.tls = SmtpSettings::Tls::never;
  s.username = "cartera";
  s.password = "s3cr3t";
  const SmtpResult r = send_mail(s, "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_TRUE(r.delivered) << r.reply;
  const auto got = server.received();
  ASSERT_GE(got.size(), 5u);
  EXPECT_EQ(got[1], "AUTH LOGIN");
  EXPECT_EQ(got[2], "Y2FydGVyYQ==");
  EXPECT_EQ(got[3], "czNjcjN0");
  EXPECT_EQ(got[4], "MAIL FROM:<a@x.example> SIZE=" + std::to_string(kPlain.size() + 3));
}

TEST(SmtpNetwork, ConnectionRefusedIsTransientWithoutCode) {
  net::io_context ioc;
  tcp::acceptor probe(ioc, {net::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t closed_port = probe.local_endpoint().port();
  probe.close();
  const SmtpResult r = send_mail(scripted(closed_port), "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.reply.find("refused"), std::string::npos) << r.reply;
}

TEST(SmtpNetwork, SilentServerTimesOut) {
  // Listening, never accepting: the kernel completes the connection and nobody ever speaks.
  net::io_context ioc;
  tcp::acceptor silent(ioc, {net::ip::make_address("127.0.0.1"), 0});
  SmtpSettings s = scripted(silent.local_endpoint().port());
  s.timeout = 500ms;
  const SmtpResult r = send_mail(s, "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_FALSE(r.delivered);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.reply, "timed out after 500 ms waiting for the greeting");
}

TEST(SmtpNetwork, UnknownHostIsAnOutcomeNotAnException) {
  SmtpSettings s = scripted(25);
  s.host = "no-such-host.invalid";
  const SmtpResult r = send_mail(s, "a@x.example", {"b@y.example"}, kPlain);
  EXPECT_FALSE(r.delivered);
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.reply.find("no-such-host.invalid"), std::string::npos) << r.reply;
}

} // namespace
