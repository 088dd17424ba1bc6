from reports.management.commands.report_pdf import Command as PdfCommand


class Command(PdfCommand):
    help = "写出某年度报告的OFD文件（GB/T 33190）"
    extension = "ofd"
