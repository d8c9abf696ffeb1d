package tagging

import "strings"

// Governments a topic's taxonomy does not list still act in its reports
// ("Ireland has suspended its extradition treaty", "Finnish President
// Sauli Niinistö announced"). The tagger must know them to tell that the
// subject of such a sentence is an unknown actor, rather than giving the
// measure to the nearest actor it knows. world lists states and a few
// other governments by name, with the adjective reports use for their
// officials ("Finnish", "Irish") and their capitals where reports use
// them for the government ("Helsinki suspended ..."). A taxonomy actor's
// own aliases win over these.
//
// Format: one government a line, "name|name...; adjective|...; capital|...".
const world = `
Afghanistan; Afghan; Kabul
Albania; Albanian; Tirana
Algeria; Algerian; Algiers
Andorra; Andorran
Angola; Angolan; Luanda
Argentina; Argentine|Argentinian; Buenos Aires
Armenia; Armenian; Yerevan
Australia; Australian; Canberra
Austria; Austrian; Vienna
Azerbaijan; Azerbaijani; Baku
Bahrain; Bahraini; Manama
Bangladesh; Bangladeshi; Dhaka
Belarus; Belarusian; Minsk
Belgium; Belgian
Belize; Belizean
Benin; Beninese
Bhutan; Bhutanese; Thimphu
Bolivia; Bolivian
Bosnia and Herzegovina|Bosnia; Bosnian; Sarajevo
Botswana; Botswanan
Brazil; Brazilian; Brasilia|Brasília
Brunei; Bruneian
Bulgaria; Bulgarian; Sofia
Burkina Faso; Burkinabe
Burundi; Burundian
Cambodia; Cambodian; Phnom Penh
Cameroon; Cameroonian; Yaoundé
Canada; Canadian; Ottawa
Chad; Chadian; N'Djamena
Chile; Chilean; Santiago
China|People's Republic of China|PRC; Chinese; Beijing
Colombia; Colombian; Bogotá|Bogota
Costa Rica; Costa Rican
Croatia; Croatian; Zagreb
Cuba; Cuban; Havana
Cyprus; Cypriot; Nicosia
Czech Republic|Czechia; Czech; Prague
Denmark; Danish; Copenhagen
Djibouti; Djiboutian
Dominican Republic; Dominican
Ecuador; Ecuadorian; Quito
Egypt; Egyptian; Cairo
El Salvador; Salvadoran
Estonia; Estonian; Tallinn
Eswatini; Swazi
Ethiopia; Ethiopian; Addis Ababa
Fiji; Fijian
Finland; Finnish; Helsinki
France; French; Paris|Élysée|Elysee|Quai d'Orsay
Gabon; Gabonese
Georgia; Georgian; Tbilisi
Germany; German; Berlin
Ghana; Ghanaian; Accra
Greece; Greek; Athens
Guatemala; Guatemalan
Guinea; Guinean
Haiti; Haitian
Honduras; Honduran
Hungary; Hungarian; Budapest
Iceland; Icelandic; Reykjavik
India; Indian; New Delhi
Indonesia; Indonesian; Jakarta
Iran; Iranian; Tehran
Iraq; Iraqi; Baghdad
Ireland|Irish government; Irish; Dublin|Dáil
Israel; Israeli
Italy; Italian
Ivory Coast|Côte d'Ivoire; Ivorian
Jamaica; Jamaican
Japan; Japanese; Tokyo
Jordan; Jordanian; Amman
Kazakhstan; Kazakh; Astana
Kenya; Kenyan; Nairobi
Kuwait; Kuwaiti
Kyrgyzstan; Kyrgyz; Bishkek
Laos; Lao|Laotian; Vientiane
Latvia; Latvian; Riga
Lebanon; Lebanese; Beirut
Liberia; Liberian
Libya; Libyan; Tripoli
Liechtenstein
Lithuania; Lithuanian; Vilnius
Luxembourg; Luxembourgish
Madagascar; Malagasy
Malawi; Malawian
Malaysia; Malaysian; Kuala Lumpur
Maldives; Maldivian
Mali; Malian; Bamako
Malta; Maltese; Valletta
Mauritania; Mauritanian
Mauritius; Mauritian
Mexico; Mexican
Moldova; Moldovan; Chisinau
Monaco; Monegasque
Mongolia; Mongolian; Ulaanbaatar
Montenegro; Montenegrin
Morocco; Moroccan; Rabat
Mozambique; Mozambican; Maputo
Myanmar|Burma; Burmese; Naypyidaw
Namibia; Namibian; Windhoek
Nepal; Nepali|Nepalese; Kathmandu
Netherlands|Holland; Dutch; The Hague
New Zealand; New Zealander; Wellington
Nicaragua; Nicaraguan; Managua
Niger; Nigerien; Niamey
Nigeria; Nigerian; Abuja
North Korea|DPRK; North Korean; Pyongyang
North Macedonia; Macedonian; Skopje
Norway; Norwegian; Oslo
Oman; Omani; Muscat
Pakistan; Pakistani; Islamabad
Palestine; Palestinian
Panama; Panamanian
Papua New Guinea; Papua New Guinean
Paraguay; Paraguayan; Asunción
Peru; Peruvian; Lima
Philippines; Philippine|Filipino; Manila
Poland; Polish; Warsaw
Portugal; Portuguese; Lisbon
Qatar; Qatari; Doha
Romania; Romanian; Bucharest
Russia|Russian Federation; Russian; Moscow|Kremlin
Rwanda; Rwandan; Kigali
Saudi Arabia; Saudi; Riyadh
Senegal; Senegalese; Dakar
Serbia; Serbian; Belgrade
Singapore; Singaporean
Slovakia; Slovak; Bratislava
Slovenia; Slovenian; Ljubljana
Somalia; Somali; Mogadishu
South Africa; South African; Pretoria
South Korea|Republic of Korea; South Korean; Seoul
South Sudan; South Sudanese
Spain; Spanish; Madrid
Sri Lanka; Sri Lankan; Colombo
Sudan; Sudanese; Khartoum
Sweden; Swedish; Stockholm
Switzerland; Swiss; Bern
Syria; Syrian; Damascus
Taiwan|Mainland Affairs Council; Taiwanese; Taipei
Tajikistan; Tajik; Dushanbe
Tanzania; Tanzanian; Dodoma
Thailand; Thai; Bangkok
Togo; Togolese
Tunisia; Tunisian; Tunis
Turkey|Türkiye; Turkish; Ankara
Turkmenistan; Turkmen; Ashgabat
Uganda; Ugandan; Kampala
Ukraine; Ukrainian; Kyiv|Kiev
United Arab Emirates|UAE; Emirati; Abu Dhabi
United Kingdom|Britain|UK; British; London|Downing Street|Whitehall
United States|USA|U.S.; American; Washington|White House
Uruguay; Uruguayan; Montevideo
Uzbekistan; Uzbek; Tashkent
Vatican|Holy See
Venezuela; Venezuelan; Caracas
Vietnam|Viet Nam; Vietnamese; Hanoi
Yemen; Yemeni; Sanaa
Zambia; Zambian; Lusaka
Zimbabwe; Zimbabwean; Harare
`

// worldGovernment is one government of the world list.
type worldGovernment struct {
	names, adjectives, capitals []string
}

func worldGovernments() []worldGovernment {
	var out []worldGovernment
	for _, line := range strings.Split(world, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, ";")
		var g worldGovernment
		for i, p := range parts {
			var list []string
			for _, n := range strings.Split(p, "|") {
				if n = strings.TrimSpace(n); n != "" {
					list = append(list, n)
				}
			}
			switch i {
			case 0:
				g.names = list
			case 1:
				g.adjectives = list
			case 2:
				g.capitals = list
			}
		}
		out = append(out, g)
	}
	return out
}
