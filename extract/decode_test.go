package extract

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

func TestDecodeHTML(t *testing.T) {
	const zh = "香港國家安全法今日正式生效，政府發表聲明回應各界關注。"
	const zhHans = "香港国家安全法今日正式生效，政府发表声明回应各界关注。"
	big5, err := traditionalchinese.Big5.NewEncoder().String(zh)
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().String(zhHans)
	if err != nil {
		t.Fatal(err)
	}
	latin, err := charmap.Windows1252.NewEncoder().String("Déclaration du ministère — « sécurité »")
	if err != nil {
		t.Fatal(err)
	}
	page := func(head, body string) []byte {
		return []byte("<html><head>" + head + "<title>t</title></head><body><p>" + body + "</p></body></html>")
	}
	tests := []struct {
		name        string
		body        []byte
		contentType string
		wantCharset string
		wantText    string
	}{
		{"plain utf-8", page("", zh), "", "utf-8", zh},
		{"utf-8 BOM beats a wrong header", append([]byte("\xef\xbb\xbf"), page("", zh)...), "text/html; charset=big5", "utf-8", zh},
		{"header charset", page("", big5), "text/html; charset=Big5", "big5", zh},
		{"meta charset", page(`<meta charset="gb2312">`, gbk), "text/html", "gbk", zhHans},
		{"http-equiv", page(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">`, latin), "", "windows-1252", "Déclaration du ministère"},
		{"undeclared Big5 is detected", page("", strings.Repeat(big5, 20)), "", "big5", zh},
		{"undeclared GB18030 is detected", page("", strings.Repeat(gbk, 20)), "", "gb18030", zhHans},
		{"undeclared Latin-1 falls back to windows-1252", page("", latin), "", "windows-1252", "ministère"},
		{"meta says latin-1 but bytes are utf-8", page(`<meta charset="iso-8859-1">`, "Déclaration"), "", "utf-8", "Déclaration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, cs, err := DecodeHTML(tt.body, tt.contentType)
			if err != nil {
				t.Fatal(err)
			}
			if cs != tt.wantCharset {
				t.Errorf("charset = %q, want %q", cs, tt.wantCharset)
			}
			if !strings.Contains(string(out), tt.wantText) {
				t.Errorf("decoded text lacks %q: %q", tt.wantText, out)
			}
		})
	}
}
