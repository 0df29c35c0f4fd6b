package iampolicy

import (
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
)

func TestMarshalCanonical(t *testing.T) {
	tests := []struct {
		name string
		doc  Document
		want string
	}{
		{
			name: "single values are bare strings",
			doc: Document{Statement: []Statement{{
				Effect: Allow, Action: Values{"sts:AssumeRoleWithWebIdentity"},
				Principal: &Principal{Federated: Values{"arn:aws:iam::123456789012:oidc-provider/x"}},
				Condition: Condition{"StringEquals": {"x:sub": {"system:serviceaccount:a:b"}, "x:aud": {"sts.amazonaws.com"}}},
			}}},
			want: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/x"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"x:aud":"sts.amazonaws.com","x:sub":"system:serviceaccount:a:b"}}}]}`,
		},
		{
			name: "lists and wildcard principal, no HTML escaping",
			doc: Document{ID: "p", Statement: []Statement{{
				Sid: "A", Effect: Deny, Principal: &Principal{All: true},
				NotAction: Values{"s3:Get*", "s3:List*"}, Resource: Values{"arn:aws:s3:::a<b>&c"},
			}}},
			want: `{"Version":"2012-10-17","Id":"p","Statement":[{"Sid":"A","Effect":"Deny","Principal":"*","NotAction":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::a<b>&c"}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.doc.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			back, err := Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if !Equal(back, tt.doc) {
				t.Fatalf("round trip changed the document: %s", back)
			}
			n, _ := tt.doc.Size()
			if n != len(tt.want) {
				t.Fatalf("Size = %d, want %d", n, len(tt.want))
			}
		})
	}
}

func TestParseForms(t *testing.T) {
	tests := []struct {
		name, in string
		wantErr  bool
		check    func(t *testing.T, d Document)
	}{
		{name: "single statement object", in: `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
			check: func(t *testing.T, d Document) {
				if len(d.Statement) != 1 || d.Statement[0].Action[0] != "s3:*" {
					t.Fatalf("got %+v", d)
				}
			}},
		{name: "bool and number condition values", in: `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:max-keys":[10, 2.5]}}}]}`,
			check: func(t *testing.T, d Document) {
				c := d.Statement[0].Condition
				if c["Bool"]["aws:SecureTransport"][0] != "false" || c["NumericLessThan"]["s3:max-keys"][1] != "2.5" {
					t.Fatalf("got %+v", c)
				}
			}},
		{name: "unknown statement key", in: `{"Statement":[{"Effect":"Allow","Actions":"s3:*"}]}`, wantErr: true},
		{name: "unknown principal type", in: `{"Statement":[{"Effect":"Allow","Action":"a:b","Principal":{"Aws":"x"}}]}`, wantErr: true},
		{name: "principal string not star", in: `{"Statement":[{"Effect":"Allow","Action":"a:b","Principal":"me"}]}`, wantErr: true},
		{name: "null value", in: `{"Statement":[{"Effect":"Allow","Action":null}]}`, wantErr: true},
		{name: "trailing data", in: `{"Statement":[]} {}`, wantErr: true},
		{name: "not json", in: `Version: 1`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			if tt.check != nil {
				tt.check(t, d)
			}
		})
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	d := Document{Version: "2020-01-01", Statement: []Statement{
		{Sid: "X", Effect: "allow"},
		{Sid: "X", Effect: Allow, Action: Values{"a:b"}, NotAction: Values{"c:d"}, Resource: Values{"*"}, NotResource: Values{"x"},
			Principal: &Principal{}, Condition: Condition{"StringEquals": {}}},
	}}
	err := d.Validate()
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{"Version", "neither Allow nor Deny", "Action and NotAction", "Sid repeats", "NotResource", "empty principal", "no keys"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	ok := Document{Statement: []Statement{{Effect: Allow, Action: Values{"s3:GetObject"}, Resource: Values{"*"}}}}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestEquivalentIgnoresValueOrder(t *testing.T) {
	a := Document{Statement: []Statement{{Effect: Allow, Action: Values{"b:x", "a:y", "a:y"}, Resource: Values{"*"}}}}
	b := Document{Statement: []Statement{{Effect: Allow, Action: Values{"a:y", "b:x"}, Resource: Values{"*"}}}}
	if Equal(a, b) || !Equivalent(a, b) {
		t.Fatal("want not Equal but Equivalent")
	}
	c := Document{Statement: []Statement{{Effect: Allow, Action: Values{"a:y"}, Resource: Values{"*"}}}}
	if Equivalent(a, c) {
		t.Fatal("different actions must not be equivalent")
	}
}

func TestParseReferenceLBCPolicy(t *testing.T) {
	b, err := os.ReadFile("../../../shared/reference/lbc/iam_policy_v3.5.0.json")
	if err != nil {
		t.Skipf("reference data not beside the checkout: %v", err)
	}
	d, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	again, err := Parse([]byte(d.String()))
	if err != nil || !Equal(d, again) {
		t.Fatalf("round trip: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a:b","c:d"],"Resource":"*","Condition":{"Bool":{"k":true}}}]}`)
	f.Add(`{"Statement":{"Effect":"Deny","Principal":"*","NotAction":"x:y"}}`)
	f.Add(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["1","2"],"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		d, err := Parse([]byte(in))
		if err != nil {
			return
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatalf("parsed document does not marshal: %v", err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("canonical output does not parse: %v\n%s", err, out)
		}
		if !Equal(d, back) {
			t.Fatalf("round trip differs:\n%s\n%s", out, back)
		}
	})
}

func TestParseKeysAreCaseSensitive(t *testing.T) {
	for _, in := range []string{
		`{"version":"2012-10-17","Statement":[]}`,
		`{"Statement":[{"effect":"Allow","Action":"a:b"}]}`,
	} {
		if _, err := Parse([]byte(in)); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%s) = %v, want ErrInvalid", in, err)
		}
	}
}

func TestParseFromIAM(t *testing.T) {
	want := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"arn:aws:logs:eu-west-1:123456789012:log-group:/a b:*"}]}`
	for _, tt := range []struct{ name, in string }{
		{"url-encoded", url.QueryEscape(want)},
		{"path-escaped", url.PathEscape(want)},
		{"plain", want},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseFromIAM(tt.in)
			if err != nil || d.String() != want {
				t.Errorf("ParseFromIAM(%q) = %s, %v", tt.in, d, err)
			}
		})
	}
	if _, err := ParseFromIAM("%7Bnot json"); err == nil {
		t.Error("no error for a broken document")
	}
}
